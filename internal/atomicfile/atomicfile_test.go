package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	write := func(content string, fail error) error {
		return Write(path, ".f.txt.tmp*", func(f *os.File) error {
			if _, err := f.WriteString(content); err != nil {
				return err
			}
			return fail
		})
	}
	if err := write("one", nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if err := write("two, half written", boom); !errors.Is(err, boom) {
		t.Fatalf("Write with a failing fill = %v; want %v", err, boom)
	}
	b, err := os.ReadFile(path)
	if err != nil || string(b) != "one" {
		t.Errorf("after a failed Write the file holds %q, %v; want the old content %q", b, err, "one")
	}
	if err := write("three", nil); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "f.txt" {
		t.Errorf("directory holds %v; want only f.txt, no temporary files", entries)
	}
	if b, _ := os.ReadFile(path); string(b) != "three" {
		t.Errorf("file holds %q; want %q", b, "three")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v; want 0644", fi.Mode().Perm())
	}
}
