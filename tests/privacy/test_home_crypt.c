/*
 * test_home_crypt.c - the agent home's encryption (agent/home_crypt.c) on
 * sample /proc/self/mountinfo and /sys trees, one per kind of disk a
 * commune laptop has: LUKS directly under ext4, LUKS under LVM (Debian's
 * "guided - use entire disk and set up encrypted LVM"), plain ext4, tmpfs,
 * an fscrypt directory, and what cannot be told; then the file modes of a
 * home and of a new database whatever the umask.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include "home_crypt.h"
#include "maiam/schema.h"
#include "testmain.h"
#include "testutil.h"

/* root/rel with its folders made, holding text. */
static void put(const char *root, const char *rel, const char *text)
{
	char path[4096], *slash;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", root, rel);
	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (!text) {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A laptop's mounts: / on the device given, /tmp a tmpfs, /srv over NFS. */
static char *laptop(const char *root_line)
{
	char *root = test_mkdtemp(), mountinfo[2048];

	assert_non_null(root);
	snprintf(mountinfo, sizeof mountinfo,
		 "22 27 0:21 / /proc rw,relatime - proc proc rw\n"
		 "23 27 0:22 / /sys rw,relatime - sysfs sysfs rw\n"
		 "%s\n"
		 "30 27 0:25 / /tmp rw,nosuid,nodev - tmpfs tmpfs rw,size=4096k\n"
		 "31 27 0:40 / /srv/my\\040share rw - nfs4 hub:/export rw\n"
		 "32 27 8:1 / /boot rw,relatime - ext4 /dev/sda1 rw\n",
		 root_line);
	put(root, "proc/self/mountinfo", mountinfo);
	put(root, "sys/dev/block/8:1/dev", "8:1\n");
	return root;
}

static home_crypt_state classify(const char *root, const char *path, char *why)
{
	return home_crypt_classify(root, path, HOME_FSCRYPT_NO, why, 256);
}

static void luks_directly_under_the_file_system(void **state)
{
	char *root = laptop("27 1 254:0 / / rw,relatime - ext4 /dev/mapper/sda2_crypt rw");
	char why[256];

	(void)state;
	put(root, "sys/dev/block/254:0/dm/uuid", "CRYPT-LUKS2-0f3c9a1e5b7d4c2a-sda2_crypt\n");
	put(root, "sys/dev/block/254:0/dm/name", "sda2_crypt\n");
	assert_int_equal(classify(root, "/home/canbo/.local/share/maiam", why), HOME_CRYPT_LUKS);
	assert_non_null(strstr(why, "/dev/mapper/sda2_crypt"));
	/* /boot is on the plain partition beside it */
	assert_int_equal(classify(root, "/boot", why), HOME_CRYPT_PLAIN);
	/* "/bootstrap" is not under "/boot" */
	assert_int_equal(classify(root, "/bootstrap/maiam", why), HOME_CRYPT_LUKS);
	test_rmtree(root);
	free(root);
}

static void luks_under_lvm(void **state)
{
	char *root = laptop("27 1 254:1 / / rw,relatime - ext4 /dev/mapper/laptop--vg-root rw");
	char why[256];

	(void)state;
	/* the logical volume: LVM's uuid, its slave the crypt device */
	put(root, "sys/dev/block/254:1/dm/uuid", "LVM-q9Xw1bYc2dZe3fAg4hBi5jCk6lDm7nEo\n");
	put(root, "sys/dev/block/254:1/slaves/dm-0", NULL);
	put(root, "sys/class/block/dm-0/dm/uuid", "CRYPT-LUKS2-7a1b2c3d4e5f-nvme0n1p3_crypt\n");
	put(root, "sys/class/block/dm-0/slaves/nvme0n1p3", NULL);
	put(root, "sys/class/block/nvme0n1p3/dev", "259:3\n");
	assert_int_equal(classify(root, "/home/canbo/.local/share/maiam", why), HOME_CRYPT_LUKS);
	test_rmtree(root);
	free(root);
}

static void plain_ext4_and_plain_lvm(void **state)
{
	char *root = laptop("27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw");
	char why[256];

	(void)state;
	put(root, "sys/dev/block/8:2/dev", "8:2\n");
	assert_int_equal(classify(root, "/home/canbo/.local/share/maiam", why), HOME_CRYPT_PLAIN);
	assert_string_equal(why, "ext4 on /dev/sda2");
	test_rmtree(root);
	free(root);

	/* LVM straight on the disk: a dm device, but no crypt under it */
	root = laptop("27 1 254:1 / / rw,relatime - ext4 /dev/mapper/vg-root rw");
	put(root, "sys/dev/block/254:1/dm/uuid", "LVM-q9Xw1bYc2dZe3fAg4hBi5jCk6lDm7nEo\n");
	put(root, "sys/dev/block/254:1/slaves/sda2", NULL);
	put(root, "sys/class/block/sda2/dev", "8:2\n");
	assert_int_equal(classify(root, "/home/canbo", why), HOME_CRYPT_PLAIN);
	test_rmtree(root);
	free(root);
}

static void btrfs_names_its_device_by_source(void **state)
{
	char *root = laptop("27 1 0:33 / / rw,relatime - btrfs /dev/mapper/luks-root rw");
	char why[256];

	(void)state;
	put(root, "sys/class/block/dm-0/dm/name", "luks-root\n");
	put(root, "sys/class/block/dm-0/dm/uuid", "CRYPT-LUKS1-0123456789abcdef-luks-root\n");
	assert_int_equal(classify(root, "/home/canbo", why), HOME_CRYPT_LUKS);
	test_rmtree(root);
	free(root);
}

static void tmpfs_is_memory(void **state)
{
	char *root = laptop("27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw");
	char why[256];

	(void)state;
	put(root, "sys/dev/block/8:2/dev", "8:2\n");
	assert_int_equal(classify(root, "/tmp/maiam-home", why), HOME_CRYPT_MEMORY);
	assert_int_equal(classify(root, "/tmp", why), HOME_CRYPT_MEMORY);
	test_rmtree(root);
	free(root);
}

static void fscrypt_directory_on_a_plain_disk(void **state)
{
	char *root = laptop("27 1 8:2 / / rw,relatime - ext4 /dev/sda2 rw");
	char why[256];

	(void)state;
	put(root, "sys/dev/block/8:2/dev", "8:2\n");
	assert_int_equal(home_crypt_classify(root, "/home/canbo/.local/share/maiam", HOME_FSCRYPT_YES,
					     why, sizeof why),
			 HOME_CRYPT_FSCRYPT);
	/* the kernel could not say: the disk still decides */
	assert_int_equal(home_crypt_classify(root, "/home/canbo/.local/share/maiam",
					     HOME_FSCRYPT_UNKNOWN, why, sizeof why),
			 HOME_CRYPT_PLAIN);
	test_rmtree(root);
	free(root);
}

static void what_cannot_be_told_is_said_so(void **state)
{
	char *root = laptop("27 1 0:45 / / rw,relatime - overlay overlay rw,lowerdir=/l");
	char why[256];

	(void)state;
	assert_int_equal(classify(root, "/home/canbo", why), HOME_CRYPT_UNKNOWN);
	assert_non_null(strstr(why, "overlay"));
	/* a network share, its mount point written with mountinfo's escape */
	assert_int_equal(classify(root, "/srv/my share/maiam", why), HOME_CRYPT_UNKNOWN);
	assert_non_null(strstr(why, "nfs4"));
	/* a device /sys does not know */
	test_rmtree(root);
	free(root);
	root = laptop("27 1 8:5 / / rw - ext4 /dev/sda5 rw");
	assert_int_equal(classify(root, "/home", why), HOME_CRYPT_UNKNOWN);
	test_rmtree(root);
	free(root);
	/* no /proc at all */
	assert_int_equal(classify("/nonexistent-maiam-root", "/home", why), HOME_CRYPT_UNKNOWN);
	assert_string_equal(home_crypt_name(HOME_CRYPT_UNKNOWN), "unknown");
}

static void count(const char *path, unsigned mode, int is_dir, void *arg)
{
	(void)path;
	(void)mode;
	*(int *)arg += is_dir ? 100 : 1;
}

static void modes_open_to_others_are_found(void **state)
{
	char *home = test_mkdtemp(), path[4200];
	int seen = 0;

	(void)state;
	assert_non_null(home);
	chmod(home, 0700);
	put(home, "agent.key", "key");
	put(home, "agent.db", "db");
	put(home, "photos/x.jpg", "jpeg");
	snprintf(path, sizeof path, "%s/agent.key", home);
	chmod(path, 0600);
	snprintf(path, sizeof path, "%s/photos", home);
	chmod(path, 0700);
	snprintf(path, sizeof path, "%s/agent.db", home);
	chmod(path, 0600);
	assert_int_equal(home_crypt_open_modes(home, count, &seen), 0);
	chmod(path, 0644);
	snprintf(path, sizeof path, "%s/photos", home);
	chmod(path, 0755);
	assert_int_equal(home_crypt_open_modes(home, count, &seen), 2);
	assert_int_equal(seen, 101);
	/* a home reached through a link is the folder it points to */
	snprintf(path, sizeof path, "%s.link", home);
	assert_int_equal(symlink(home, path), 0);
	seen = 0;
	assert_int_equal(home_crypt_open_modes(path, count, &seen), 2);
	unlink(path);
	chmod(home, 0755);
	seen = 0;
	assert_int_equal(home_crypt_open_modes(home, count, &seen), 3);
	assert_int_equal(seen, 201);
	test_rmtree(home);
	free(home);
}

static void a_new_database_is_its_owners_only(void **state)
{
	char *dir = test_mkdtemp(), path[4200];
	mode_t old = umask(0);
	sqlite3 *db = NULL;
	struct stat st;

	(void)state;
	snprintf(path, sizeof path, "%s/agent.db", dir);
	assert_int_equal(proto_db_open(path, &db), PROTO_OK);
	sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	snprintf(path, sizeof path, "%s/agent.db-wal", dir);
	if (stat(path, &st) == 0)
		assert_int_equal(st.st_mode & 0777, 0600);
	sqlite3_close(db);
	umask(old);
	test_rmtree(dir);
	free(dir);
}

TEST_MAIN(cmocka_unit_test(luks_directly_under_the_file_system), cmocka_unit_test(luks_under_lvm),
	  cmocka_unit_test(plain_ext4_and_plain_lvm), cmocka_unit_test(btrfs_names_its_device_by_source),
	  cmocka_unit_test(tmpfs_is_memory), cmocka_unit_test(fscrypt_directory_on_a_plain_disk),
	  cmocka_unit_test(what_cannot_be_told_is_said_so),
	  cmocka_unit_test(modes_open_to_others_are_found),
	  cmocka_unit_test(a_new_database_is_its_owners_only))
