/*
 * fileio.c -- files and directories through system calls.
 *
 * Demonstrates: the POSIX file API that sits directly on top of Linux system
 * calls: mkdir, open/creat, write, lseek, read, fstat, pread, opendir/readdir
 * (getdents64 underneath), unlink and rmdir.  Everything happens in a fresh
 * directory under /tmp whose name contains the process id, and everything
 * is removed again at the end.  Any failure is reported with perror and
 * ends the program with exit status 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Print what went wrong (perror adds the errno text) and give up. */
static void fail(const char *what)
{
    perror(what);
    exit(1);
}

/* Compare two strings through pointers to them, for qsort. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    char dir[64], file1[96], file2[96];
    snprintf(dir, sizeof dir, "/tmp/grindlab-fileio-%ld", (long)getpid());
    snprintf(file1, sizeof file1, "%s/first.txt", dir);
    snprintf(file2, sizeof file2, "%s/second.txt", dir);

    /* 1. A private directory (mode 0700: only we may use it). */
    if (mkdir(dir, 0700) != 0)
        fail("mkdir");
    printf("mkdir %s\n", dir);

    /* 2. Create a file for reading and writing, and write some text. */
    int fd = open(file1, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        fail("open");
    printf("open first.txt -> fd %d\n", fd);

    const char text[] = "Hello, file!\n0123456789\n";
    ssize_t n = write(fd, text, strlen(text));
    if (n != (ssize_t)strlen(text))
        fail("write");
    printf("write %zd bytes\n", n);

    /* 3. lseek moves the file offset; it returns the new offset. */
    off_t pos = lseek(fd, 0, SEEK_SET);          /* back to the start      */
    if (pos != 0)
        fail("lseek SEEK_SET");
    printf("lseek(0, SEEK_SET) = %ld\n", (long)pos);

    char buf[64];
    n = read(fd, buf, 5);                        /* reads "Hello"          */
    if (n != 5)
        fail("read");
    printf("read %zd bytes: \"%.*s\"\n", n, (int)n, buf);

    pos = lseek(fd, 2, SEEK_CUR);                /* skip ", "              */
    if (pos != 7)
        fail("lseek SEEK_CUR");
    printf("lseek(2, SEEK_CUR) = %ld\n", (long)pos);
    n = read(fd, buf, 5);                        /* reads "file!"          */
    if (n != 5)
        fail("read");
    printf("read %zd bytes: \"%.*s\"\n", n, (int)n, buf);

    pos = lseek(fd, -11, SEEK_END);              /* 11 bytes before the end */
    if (pos < 0)
        fail("lseek SEEK_END");
    printf("lseek(-11, SEEK_END) = %ld\n", (long)pos);
    n = read(fd, buf, sizeof buf);               /* reads to end-of-file   */
    if (n < 0)
        fail("read");
    printf("read %zd bytes: \"%.*s\\n\"\n", n, (int)(n - 1), buf); /* show '\n' */
    n = read(fd, buf, sizeof buf);               /* at end-of-file: 0      */
    if (n != 0)
        fail("read at EOF");
    printf("read at end of file returns %zd\n", n);

    /* 4. fstat describes an open file. */
    struct stat st;
    if (fstat(fd, &st) != 0)
        fail("fstat");
    printf("fstat: size %ld, regular file: %s\n", (long)st.st_size,
           S_ISREG(st.st_mode) ? "yes" : "no");

    /* 5. pread reads at an offset without moving the file offset. */
    n = pread(fd, buf, 10, 13);                  /* "0123456789"           */
    if (n != 10)
        fail("pread");
    printf("pread 10 bytes at offset 13: \"%.*s\"\n", (int)n, buf);
    printf("offset after pread is still %ld\n", (long)lseek(fd, 0, SEEK_CUR));
    if (close(fd) != 0)
        fail("close");

    /* 6. A second file; creat(path, mode) is open(O_WRONLY|O_CREAT|O_TRUNC). */
    fd = creat(file2, 0600);
    if (fd < 0)
        fail("creat");
    if (write(fd, "second\n", 7) != 7)
        fail("write");
    if (close(fd) != 0)
        fail("close");
    printf("creat second.txt and write 7 bytes\n");

    /* 7. List the directory.  readdir returns entries in no particular
     *    order, so collect the names and sort them. */
    DIR *d = opendir(dir);
    if (d == NULL)
        fail("opendir");
    char *names[16];
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 16)
        names[count++] = strdup(e->d_name);
    closedir(d);
    qsort(names, (size_t)count, sizeof names[0], compare_names);
    printf("directory has %d entries:", count);
    for (int i = 0; i < count; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");

    /* 8. Clean up: remove both files, then the (now empty) directory. */
    if (unlink(file1) != 0)
        fail("unlink first.txt");
    if (unlink(file2) != 0)
        fail("unlink second.txt");
    printf("unlink first.txt, second.txt\n");
    if (rmdir(dir) != 0)
        fail("rmdir");
    printf("rmdir %s\n", dir);

    printf("OK\n");
    return 0;
}
