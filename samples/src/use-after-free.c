/*
 * use-after-free.c -- a session used after logout freed it.
 *
 * The story: a server keeps a session object per user.  logout() frees it,
 * but the request handler still holds the pointer and reads the user's
 * privilege level from freed memory.  Natively this "works" (the bytes are
 * still there), which is why such bugs survive testing; Memcheck keeps freed
 * blocks out of reuse for a while and marks them inaccessible, so the read
 * is reported with three stacks: where it happened, where the block was
 * freed, and where it was allocated.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct session {
    char user[16];
    int privilege;
    int requests;
};

static struct session *login(const char *user, int privilege)
{
    struct session *s = malloc(sizeof *s);
    if (s == NULL)
        exit(1);
    strncpy(s->user, user, sizeof s->user - 1);
    s->user[sizeof s->user - 1] = '\0';
    s->privilege = privilege;
    s->requests = 0;
    return s;
}

static void logout(struct session *s)
{
    printf("%s logged out after %d requests\n", s->user, s->requests);
    free(s);
}

static int handle_request(struct session *s, const char *what)
{
    s->requests++;
    return s->privilege >= 1 && strcmp(what, "read") == 0;
}

int main(void)
{
    struct session *admin = login("root", 2);
    struct session *s = login("alice", 1);
    printf("read allowed: %d\n", handle_request(s, "read"));
    logout(s);
    /* The bug: the handler still has the session pointer. */
    printf("privilege after logout: %d\n", s->privilege);
    logout(admin);
    return 0;
}
