package pgcluster

import (
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// serverUser is the OS account the server runs as when this process is root,
// because PostgreSQL refuses to run as root.
const serverUser = "postgres"

// owner is the account that owns the cluster files and runs the binaries.
// A nil *owner means "this process's own user": commands run directly.
type owner struct {
	name     string
	uid, gid int
}

// currentOwner returns nil for an ordinary user and the postgres account for root.
func currentOwner() (*owner, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return nil, fmt.Errorf("running as root, so PostgreSQL must run as the %q user, but it does not exist (install the postgresql package, or run as an ordinary user): %w", serverUser, err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("uid of %q: %w", serverUser, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("gid of %q: %w", serverUser, err)
	}
	return &owner{name: serverUser, uid: uid, gid: gid}, nil
}

// credential returns the process attributes that make a command run as o.
func (o *owner) credential() *syscall.SysProcAttr {
	if o == nil {
		return nil
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(o.uid), Gid: uint32(o.gid), NoSetGroups: false}}
}

// mkdirOwned creates dir (mode perm) if missing and gives it, and everything
// under it when ownership is wrong, to o.
func (o *owner) mkdirOwned(dir string, perm fs.FileMode) error {
	if err := os.MkdirAll(dir, perm); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	if o == nil {
		return nil
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("stat %s: %w", dir, err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) == o.uid {
		return nil
	}
	err = filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(path, o.uid, o.gid)
	})
	if err != nil {
		return fmt.Errorf("give %s to the %s user: %w", dir, o.name, err)
	}
	return nil
}

// makeTraversable gives others the search bit on every ancestor of dir that o
// could not pass through, so the server user can reach its folder (for
// example under root's 0700 home or a test's 0700 temporary directory). Only
// the x bit is added: o still cannot list those directories.
func (o *owner) makeTraversable(dir string, log *slog.Logger) error {
	if o == nil {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return fmt.Errorf("stat %s: %w", d, err)
		}
		if !o.canSearch(fi) {
			mode := fi.Mode().Perm() | 0o001
			if err := os.Chmod(d, mode); err != nil {
				return fmt.Errorf("let the %s user traverse %s: %w", o.name, d, err)
			}
			log.Warn("pgcluster: added the search bit for others so the postgres user can reach its data folder", "dir", d, "mode", fmt.Sprintf("%#o", mode))
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func (o *owner) canSearch(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return true // not a unix file system: nothing we can reason about
	}
	perm := fi.Mode().Perm()
	switch {
	case int(st.Uid) == o.uid:
		return perm&0o100 != 0
	case int(st.Gid) == o.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
