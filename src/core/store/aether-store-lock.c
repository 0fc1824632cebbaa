/* aether-store-lock.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Who may use the database file, beside it in `DB.lock` (mode 0600).
 *
 * Byte 0 is the collector's lock: one process writes readings into a
 * database (two collectors stored every sample twice). It is held
 * exclusively by the service while it collects and by `db restore`; the
 * holder writes its pid and command line into the file so the next one can
 * say who it is.
 *
 * Byte 1 says who has the database open. Opening takes it exclusively
 * first: a process that gets it is alone, so a write-ahead log it finds was
 * left by a crash (the last clean close removes it), and only it may run
 * the full check that follows or move a damaged file aside; it then keeps
 * the byte shared like every other opener. One that cannot get it waits for
 * a shared hold, that is for the check to end.
 *
 * Both are open-file-description locks (F_OFD_SETLK): they belong to the
 * descriptor, not the process, so two stores in one process exclude each
 * other as two processes do, closing another descriptor of the file does
 * not drop them, and the kernel drops them when a process dies. */

#define G_LOG_DOMAIN "aether-store"

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aether-error.h"
#include "aether-store-lock.h"
#include "aether-store-private.h"

#define COLLECTOR_BYTE 0
#define PRESENCE_BYTE  1
/* How long an opener waits for the first one's check after a crash. */
#define PRESENCE_WAIT_US (120 * G_USEC_PER_SEC)

struct _AetherStoreLock
{
  int   fd;
  char *path;
};

static char *
lock_path_of (const char *db_path)
{
  return g_strconcat (db_path, ".lock", NULL);
}

static int
open_lock_file (const char  *db_path,
                GError     **error)
{
  g_autofree char *path = lock_path_of (db_path);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd < 0)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not open %s: %s", path, g_strerror (errno));

  return fd;
}

static struct flock
one_byte (short type,
          off_t byte)
{
  struct flock fl = { 0 };

  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  return fl;
}

static int
set_lock (int      fd,
          short    type,
          off_t    byte)
{
  struct flock fl = one_byte (type, byte);

  return fcntl (fd, F_OFD_SETLK, &fl);
}

static gboolean
byte_is_locked (int   fd,
                off_t byte)
{
  struct flock fl = one_byte (F_WRLCK, byte);

  return fcntl (fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

static char *
own_command_line (void)
{
  g_autofree char *cmdline = NULL;
  gsize len = 0;

  if (!g_file_get_contents ("/proc/self/cmdline", &cmdline, &len, NULL) || len == 0)
    return g_strdup (g_get_prgname () ? g_get_prgname () : "?");

  for (gsize i = 0; i + 1 < len; i++)
    if (cmdline[i] == '\0')
      cmdline[i] = ' ';
  cmdline[len - 1] = '\0';
  /* A line of the file, short enough to quote in an error. */
  for (char *p = cmdline; *p; p++)
    if (*p == '\n')
      *p = ' ';
  if (strlen (cmdline) > 200)
    cmdline[200] = '\0';

  return g_steal_pointer (&cmdline);
}

/**
 * aether_store_lock_describe_holder:
 * @db_path: a database
 *
 * Returns: (transfer full) (nullable): "process PID: COMMAND" of the
 *   collector holding @db_path's lock, or %NULL when none does
 */
char *
aether_store_lock_describe_holder (const char *db_path)
{
  g_autofree char *path = lock_path_of (db_path);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  int fd;
  gboolean held;

  g_return_val_if_fail (db_path != NULL, NULL);

  if ((fd = open (path, O_RDONLY | O_CLOEXEC)) < 0)
    return NULL;
  held = byte_is_locked (fd, COLLECTOR_BYTE);
  close (fd);
  if (!held)
    return NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL) || contents[0] == '\0')
    return g_strdup ("another process");

  g_strchomp (contents);
  fields = g_strsplit (contents, " ", 2);
  return g_strdup_printf ("process %s: %s", fields[0], fields[1] ? fields[1] : "?");
}

/**
 * aether_store_lock_collector:
 * @db_path: a database
 * @error: a location for a #GError
 *
 * Takes @db_path's collector lock without waiting. Release it with
 * aether_store_lock_release() (the kernel releases it when the process
 * ends, however it ends).
 *
 * Returns: (transfer full): the lock, or %NULL with %AETHER_ERROR_BUSY
 *   naming the process that holds it
 */
AetherStoreLock *
aether_store_lock_collector (const char  *db_path,
                             GError     **error)
{
  g_autofree char *line = NULL;
  g_autofree char *command = NULL;
  AetherStoreLock *lock;
  int fd;

  g_return_val_if_fail (db_path != NULL, NULL);

  if ((fd = open_lock_file (db_path, error)) < 0)
    return NULL;

  if (set_lock (fd, F_WRLCK, COLLECTOR_BYTE) != 0)
    {
      int saved = errno;
      g_autofree char *holder = NULL;

      if (saved != EAGAIN && saved != EACCES)
        {
          /* A file system without locks (some network ones): collect, as
           * before there was a lock, and say so. */
          g_warning ("Could not lock %s (%s): nothing stops a second collector", db_path, g_strerror (saved));
          lock = g_new0 (AetherStoreLock, 1);
          lock->fd = fd;
          lock->path = g_strdup (db_path);
          return lock;
        }
      close (fd);
      holder = aether_store_lock_describe_holder (db_path);
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_BUSY,
                   "Another AetherLens is collecting into %s (%s); "
                   "one collector per database: stop it first",
                   db_path, holder ? holder : "another process");
      return NULL;
    }

  command = own_command_line ();
  line = g_strdup_printf ("%d %s\n", (int)getpid (), command);
  if (ftruncate (fd, 0) != 0 || pwrite (fd, line, strlen (line), 0) < 0)
    g_debug ("Could not say who holds %s.lock: %s", db_path, g_strerror (errno));

  lock = g_new0 (AetherStoreLock, 1);
  lock->fd = fd;
  lock->path = g_strdup (db_path);
  return lock;
}

void
aether_store_lock_release (AetherStoreLock *lock)
{
  if (lock == NULL)
    return;

  /* The holder's line goes first, while the lock still keeps others off. */
  if (ftruncate (lock->fd, 0) != 0)
    g_debug ("Could not clear %s.lock: %s", lock->path, g_strerror (errno));
  close (lock->fd);
  g_free (lock->path);
  g_free (lock);
}

/**
 * _aether_store_presence_acquire:
 * @db_path: a database
 * @alone: (out): whether no other store has @db_path open
 * @error: a location for a #GError
 *
 * Takes the presence byte: exclusively when no other store has the file
 * open (*@alone is %TRUE; share it with _aether_store_presence_share() once
 * the checks only the first opener runs are done), otherwise shared, once
 * the store that holds it exclusively is done checking.
 *
 * Returns: the lock file's descriptor (close it to let go), or -1: with
 *   @error set when another store kept the file to itself too long, without
 *   it when the lock file cannot be made (a read-only folder: the caller
 *   is then never alone)
 */
int
_aether_store_presence_acquire (const char  *db_path,
                                gboolean    *alone,
                                GError     **error)
{
  gint64 deadline = g_get_monotonic_time () + PRESENCE_WAIT_US;
  int fd;

  *alone = FALSE;
  if ((fd = open_lock_file (db_path, NULL)) < 0)
    return -1;

  if (set_lock (fd, F_WRLCK, PRESENCE_BYTE) == 0)
    {
      *alone = TRUE;
      return fd;
    }

  while (set_lock (fd, F_RDLCK, PRESENCE_BYTE) != 0)
    {
      if (errno != EAGAIN && errno != EACCES)
        return fd;   /* no locks here (some network file systems) */
      if (g_get_monotonic_time () > deadline)
        {
          close (fd);
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_BUSY,
                       "The database %s is busy: another process has been checking it for over %d seconds; "
                       "try again when it is done",
                       db_path, (int)(PRESENCE_WAIT_US / G_USEC_PER_SEC));
          return -1;
        }
      g_usleep (10 * 1000);
    }

  return fd;
}

void
_aether_store_presence_share (int fd)
{
  if (fd >= 0 && set_lock (fd, F_RDLCK, PRESENCE_BYTE) != 0)
    g_debug ("Could not share the presence lock: %s", g_strerror (errno));
}
