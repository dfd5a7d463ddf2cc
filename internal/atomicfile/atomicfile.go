// Package atomicfile replaces files so that readers, and a machine that
// crashes, see the old content or the new, never a part.
package atomicfile

import (
	"os"
	"path/filepath"
	"runtime"
)

// Write replaces the file at path: fill writes the new content to a
// temporary file created in the same directory with os.CreateTemp's
// pattern tempPattern; the file is then made readable (0644), synced,
// closed and renamed over path, and the directory is synced so that the
// rename survives a crash. On any error the temporary file is removed and
// path is left as it was.
func Write(path, tempPattern string, fill func(f *os.File) error) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPattern)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = fill(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable, where the platform allows it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
