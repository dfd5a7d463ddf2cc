package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestCreateRunDirRefuses checks that every file a run writes, continual.json
// included, marks a directory as holding a run, so run never writes over it.
func TestCreateRunDirRefuses(t *testing.T) {
	for _, name := range []string{configFile, statsFile, bestFile, summaryFile, continualFile, dataFile, checkpointsDir} {
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
	for _, name := range []string{configFile, statsFile, bestFile, summaryFile, continualFile, dataFile} {
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

// TestCreateFreeRunDirClaimed checks that a name another evolve run claims
// between the check for a free name and the creation of the directory
// (here: claimed by the test inside next, twice) makes run take the next
// free name rather than fail, leaving the other runs' files alone.
func TestCreateFreeRunDirClaimed(t *testing.T) {
	base := filepath.Join(t.TempDir(), "runs", "xor-seed1")
	claims := 0
	next := func() string {
		dir := base
		for k := 2; holdsRun(dir); k++ {
			dir = fmt.Sprintf("%s-%d", base, k)
		}
		if claims < 2 {
			claims++
			other, err := createRunDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := other.stats.WriteString("other\n"); err != nil {
				t.Fatal(err)
			}
			if err := other.close(); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	rd, dir, err := createFreeRunDir(next)
	if err != nil {
		t.Fatalf("createFreeRunDir with two names claimed meanwhile: %v", err)
	}
	defer rd.close()
	if want := base + "-3"; dir != want || rd.path != want {
		t.Errorf("createFreeRunDir = %s (%s); want %s", dir, rd.path, want)
	}
	for _, d := range []string{base, base + "-2"} {
		if b, err := os.ReadFile(filepath.Join(d, statsFile)); err != nil || string(b) != "other\n" {
			t.Errorf("%s: %q, %v; want the other run's stats.jsonl untouched", d, b, err)
		}
	}
}

// TestRunDefaultOutConcurrent starts several evolve runs at once in one
// working directory without --out: each must get a directory of its own.
func TestRunDefaultOutConcurrent(t *testing.T) {
	t.Chdir(t.TempDir())
	const n = 8
	codes, stderrs := make([]int, n), make([]bytes.Buffer, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			codes[i] = runCmd(context.Background(), []string{"--task", "xor", "--seed", "1", "--generations", "1", "--population", "10", "--quiet"}, io.Discard, &stderrs[i])
		})
	}
	wg.Wait()
	for i := range n {
		if codes[i] != exitOK {
			t.Errorf("run %d: exit status %d: %s", i, codes[i], stderrs[i].String())
		}
	}
	entries, err := os.ReadDir("runs")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != n {
		t.Errorf("runs/ holds %d directories; want %d", len(entries), n)
	}
}
