package main

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestCreateRunDirRefuses checks that every file a run writes, continual.json
// included, marks a directory as holding a run, so run never writes over it.
func TestCreateRunDirRefuses(t *testing.T) {
	for _, name := range []string{configFile, statsFile, bestFile, summaryFile, continualFile, checkpointsDir} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, name), []byte("saved work\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := createRunDir(dir); !errors.Is(err, errRunExists) {
			t.Errorf("createRunDir on a directory holding %s = %v; want errRunExists", name, err)
		}
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != "saved work\n" {
			t.Errorf("createRunDir changed %s to %q", name, b)
		}
	}
}

// TestRemoveTemporaries checks that resume clears what a killed atomic
// write leaves, for every file of a run directory, and nothing else.
func TestRemoveTemporaries(t *testing.T) {
	dir := t.TempDir()
	var keep []string
	for _, name := range []string{configFile, statsFile, bestFile, summaryFile, continualFile} {
		for _, f := range []string{name, "." + name + ".tmp" + "123"} {
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		keep = append(keep, name)
	}
	keep = append(keep, ".notes.tmp1")
	if err := os.WriteFile(filepath.Join(dir, ".notes.tmp1"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	removeTemporaries(dir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	slices.Sort(keep)
	if !slices.Equal(left, keep) {
		t.Errorf("after removeTemporaries the directory holds %q; want %q", left, keep)
	}
}
