package checkpoints

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/population"
)

// atGeneration returns a copy of s that claims generation gen, for tests
// of file handling that only need distinct files.
func atGeneration(s *population.State, gen int) *population.State {
	c := *s
	c.Generation = gen
	return &c
}

func names(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = filepath.Base(p)
	}
	return out
}

func listNames(t *testing.T, dir string) []string {
	t.Helper()
	paths, err := List(dir)
	if err != nil {
		t.Fatal(err)
	}
	return names(paths)
}

// dirFiles returns every name in dir with its content.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string]string)
	for _, de := range des {
		b, _ := os.ReadFile(filepath.Join(dir, de.Name()))
		files[de.Name()] = string(b)
	}
	return files
}

func TestName(t *testing.T) {
	for gen, want := range map[int]string{0: "gen-000000.ckpt", 50: "gen-000050.ckpt", 999999: "gen-999999.ckpt", 1234567: "gen-1234567.ckpt"} {
		if got := Name(gen); got != want {
			t.Errorf("Name(%d) = %q; want %q", gen, got, want)
		}
		if g, ok := parseName(want); !ok || g != gen {
			t.Errorf("parseName(%q) = %d, %v; want %d, true", want, g, ok, gen)
		}
	}
	for _, name := range []string{"gen-50.ckpt", "gen-0000050.ckpt", "gen-000050.ckpt.tmp-1", "gen-+00050.ckpt", "gen-00005x.ckpt", "x-000050.ckpt", "gen-000050.CKPT"} {
		if g, ok := parseName(name); ok {
			t.Errorf("parseName(%q) = %d, true; want false", name, g)
		}
	}
}

// TestWrite checks that Write replaces a file atomically and leaves no
// temporary file, even when it fails.
func TestWrite(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.ckpt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, s); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Error("Read(Write(s)) differs from s")
	}
	bad := atGeneration(s, 3)
	bad.Genomes = slices.Clone(bad.Genomes)
	bad.Genomes[0] = nil
	err = Write(path, bad)
	if err == nil || !strings.Contains(err.Error(), "checkpoints: writing "+path+": genome at index 0 is nil") {
		t.Errorf("Write of a state with a nil genome: %v", err)
	}
	if files := dirFiles(t, dir); len(files) != 1 {
		t.Errorf("directory holds %v; want only x.ckpt", slices.Sorted(maps.Keys(files)))
	}
	if got, err := Read(path); err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("after a failed Write the old checkpoint reads as %v, %v", got != nil, err)
	}
	if err := Write(filepath.Join(dir, "missing", "x.ckpt"), s); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

// TestSaveKeepsNewest checks retention, the ignoring of other files and
// the removal of temporary files.
func TestSaveKeepsNewest(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := filepath.Join(t.TempDir(), "run", "checkpoints")
	if _, err := Save(dir, s, 0); err == nil {
		t.Error("Save with keep 0 succeeded")
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Save with keep 0 created the directory (%v)", err)
	}
	var want []string
	for i, gen := range []int{10, 20, 30, 40, 50} {
		path, err := Save(dir, atGeneration(s, gen), 3)
		if err != nil {
			t.Fatal(err)
		}
		if path != filepath.Join(dir, Name(gen)) {
			t.Errorf("Save returned %s; want %s", path, filepath.Join(dir, Name(gen)))
		}
		want = append([]string{Name(gen)}, want...)[:min(i+1, 3)]
		if got := listNames(t, dir); !slices.Equal(got, want) {
			t.Errorf("after saving generation %d: List = %v; want %v", gen, got, want)
		}
		if i == 1 {
			// Litter: files of other names, a crash's temporary file, a
			// directory with a checkpoint's name.
			for _, name := range []string{"notes.txt", "gen-60.ckpt", "gen-000010.ckpt.tmp-123", "gen-000020.ckptx"} {
				if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Mkdir(filepath.Join(dir, Name(99)), 0o755); err != nil {
				t.Fatal(err)
			}
			if got := listNames(t, dir); !slices.Equal(got, want) {
				t.Errorf("with other files: List = %v; want %v", got, want)
			}
		}
	}
	files := dirFiles(t, dir)
	for _, name := range []string{"notes.txt", "gen-60.ckpt", "gen-000020.ckptx", Name(99)} {
		if _, ok := files[name]; !ok {
			t.Errorf("Save removed %s, which is not a checkpoint", name)
		}
	}
	if _, ok := files["gen-000010.ckpt.tmp-123"]; ok {
		t.Error("Save left a crash's temporary file")
	}
	// Saving an older generation (a run resumed from it) keeps newer files
	// and counts itself as the newest kept.
	if _, err := Save(dir, atGeneration(s, 35), 2); err != nil {
		t.Fatal(err)
	}
	if got, want := listNames(t, dir), []string{Name(50), Name(40), Name(35), Name(30)}; !slices.Equal(got, want) {
		t.Errorf("after saving generation 35 with keep 2: List = %v; want %v", got, want)
	}
}

// TestSaveCountsOnlyItsRun puts files that are not checkpoints of the run
// among its checkpoints: a damaged one, one with a flipped payload byte,
// one misnamed (a copy of another generation's) and one of a run with
// another seed. Save must neither count them toward keep, which would
// remove the run's valid checkpoints, nor remove them.
func TestSaveCountsOnlyItsRun(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	for _, gen := range []int{10, 20} {
		if _, err := Save(dir, atGeneration(s, gen), 3); err != nil {
			t.Fatal(err)
		}
	}
	valid, err := os.ReadFile(filepath.Join(dir, Name(20)))
	if err != nil {
		t.Fatal(err)
	}
	flipped := slices.Clone(valid)
	flipped[len(flipped)-100] ^= 1
	foreign := atGeneration(s, 27)
	foreign.Config.Seed++
	if err := Write(filepath.Join(dir, Name(27)), foreign); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{Name(30): []byte("NPLCKPT\x00 cut short"), Name(29): flipped, Name(25): valid} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	others := []string{Name(30), Name(29), Name(27), Name(25)}
	if _, err := Save(dir, atGeneration(s, 40), 3); err != nil {
		t.Fatal(err)
	}
	if got, want := listNames(t, dir), append(append([]string{Name(40)}, others...), Name(20), Name(10)); !slices.Equal(got, want) {
		t.Errorf("after saving generation 40 with keep 3: List = %v; want %v", got, want)
	}
	if _, err := Save(dir, atGeneration(s, 50), 2); err != nil {
		t.Fatal(err)
	}
	if got, want := listNames(t, dir), append([]string{Name(50), Name(40)}, others...); !slices.Equal(got, want) {
		t.Errorf("after saving generation 50 with keep 2: List = %v; want %v", got, want)
	}
}

// TestSaveSkipsChecksumMismatch damages a checkpoint of the run under its
// own name, flipping the last byte of its payload (the gzip trailer, which
// the partial decoding of Save's check never reaches), so that only the
// CRC-32C of the header tells it from an intact one. Save must not count
// it toward keep: with keep 2, the run's last valid checkpoint before the
// new one stays, and the damaged file is left as it is.
func TestSaveSkipsChecksumMismatch(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	for _, gen := range []int{1, 2} {
		if _, err := Save(dir, atGeneration(s, gen), 2); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, Name(2))
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-1] ^= 0x10
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var ce *CorruptError
	if _, err := Read(path); !errors.As(err, &ce) || !strings.Contains(err.Error(), "checksum") {
		t.Fatalf("Read of the damaged checkpoint = %v; want a checksum mismatch", err)
	}
	if _, err := Save(dir, atGeneration(s, 3), 2); err != nil {
		t.Fatal(err)
	}
	if got, want := listNames(t, dir), []string{Name(3), Name(2), Name(1)}; !slices.Equal(got, want) {
		t.Errorf("after saving generation 3 with keep 2: List = %v; want %v (the damaged generation 2 not counted)", got, want)
	}
	if after, err := os.ReadFile(path); err != nil || string(after) != string(b) {
		t.Errorf("Save changed or removed the damaged checkpoint (%v)", err)
	}
}

// TestSaveMovesAside puts files that are not checkpoints of the run under
// the name of the checkpoint Save is to write, as a run resumed from
// before a damaged checkpoint meets it on reaching its generation: a
// damaged file, another run's checkpoint, and a directory. Save must not
// destroy them but move them aside as NAME.kept, NAME.kept-2, ..., saying
// so in the error it returns with the path. A checkpoint of the run under
// that name is replaced silently.
func TestSaveMovesAside(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	path := filepath.Join(dir, Name(5))
	if got, err := Save(dir, atGeneration(s, 5), 3); got != path || err != nil {
		t.Fatalf("Save = %s, %v", got, err)
	}
	// A checkpoint of the run of that generation: replaced, no error.
	if got, err := Save(dir, atGeneration(s, 5), 3); got != path || err != nil {
		t.Errorf("Save over the run's own checkpoint = %s, %v; want %s, nil", got, err, path)
	}
	foreign := atGeneration(s, 5)
	foreign.Config.Seed++
	damaged := []byte("NPLCKPT\x00 cut short")
	for i, put := range []func() error{
		func() error { return os.WriteFile(path, damaged, 0o644) },
		func() error { return Write(path, foreign) },
		func() error { return os.MkdirAll(filepath.Join(path, "inside"), 0o755) },
	} {
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := put(); err != nil {
			t.Fatal(err)
		}
		kept := path + ".kept"
		if i > 0 {
			kept = fmt.Sprintf("%s.kept-%d", path, i+1)
		}
		got, err := Save(dir, atGeneration(s, 5), 3)
		if got != path || err == nil || !strings.Contains(err.Error(), "the file that was at "+path+" before is not a checkpoint of this run") || !strings.Contains(err.Error(), "kept as "+kept) {
			t.Errorf("case %d: Save over a file not of the run = %s, %v; want %s and an error saying it is kept as %s", i, got, err, path, kept)
		}
		if r, err := Read(path); err != nil || r.Config.Seed != s.Config.Seed {
			t.Errorf("case %d: after Save, %s: %v", i, path, err)
		}
		if _, err := os.Lstat(kept); err != nil {
			t.Errorf("case %d: the file moved aside: %v", i, err)
		}
	}
	if b, err := os.ReadFile(path + ".kept"); err != nil || string(b) != string(damaged) {
		t.Errorf("%s.kept = %q, %v; want the damaged file", path, b, err)
	}
	if r, err := Read(path + ".kept-2"); err != nil || r.Config.Seed != foreign.Config.Seed {
		t.Errorf("%s.kept-2: %v; want the other run's checkpoint", path, err)
	}
	if fi, err := os.Stat(filepath.Join(path+".kept-3", "inside")); err != nil || !fi.IsDir() {
		t.Errorf("%s.kept-3/inside: %v; want the directory", path, err)
	}
	if got := listNames(t, dir); !slices.Equal(got, []string{Name(5)}) {
		t.Errorf("List = %v; want only %s: the files moved aside are not checkpoints", got, Name(5))
	}
}

// TestLatestFallsBack damages the newest checkpoints and checks that
// Latest reports them and loads the newest valid one, and that Save never
// removes the last valid checkpoint.
func TestLatestFallsBack(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	for _, gen := range []int{30, 40} {
		if _, err := Save(dir, atGeneration(s, gen), 5); err != nil {
			t.Fatal(err)
		}
	}
	damaged := filepath.Join(dir, Name(60))
	if err := os.WriteFile(damaged, []byte("NPLCKPT\x00 cut short"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, path, skipped, err := Latest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, Name(40)) || got.Generation != 40 {
		t.Errorf("Latest = generation %d from %s; want 40 from %s", got.Generation, path, Name(40))
	}
	var ce *CorruptError
	if len(skipped) != 1 || !errors.As(skipped[0], &ce) || ce.File != damaged {
		t.Errorf("Latest skipped %v; want the damaged %s", skipped, damaged)
	}

	// A new checkpoint older than the damaged one: the damaged file is
	// not counted, so with keep 1 only the new one remains besides it.
	if _, err := Save(dir, atGeneration(s, 50), 1); err != nil {
		t.Fatal(err)
	}
	if got, want := listNames(t, dir), []string{Name(60), Name(50)}; !slices.Equal(got, want) {
		t.Errorf("List = %v; want %v", got, want)
	}
	if got, path, skipped, err := Latest(dir); err != nil || got.Generation != 50 || len(skipped) != 1 {
		t.Errorf("Latest = %v, %s, %v, %v; want generation 50 after skipping one", got != nil, path, skipped, err)
	}

	// A failed Save (a state that cannot be encoded) changes nothing.
	before := dirFiles(t, dir)
	bad := atGeneration(s, 70)
	bad.Genomes = slices.Clone(bad.Genomes)
	bad.Genomes[2] = nil
	if path, err := Save(dir, bad, 1); err == nil || path != "" {
		t.Errorf("Save of an unencodable state = %q, %v; want an error", path, err)
	}
	if after := dirFiles(t, dir); !reflect.DeepEqual(after, before) {
		t.Error("a failed Save changed the directory")
	}

	// With every checkpoint damaged, the error joins all of them, newest
	// first.
	if err := os.WriteFile(filepath.Join(dir, Name(50)), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, skipped, err = Latest(dir)
	if err == nil || len(skipped) != 2 || !errors.As(err, &ce) || ce.File != damaged ||
		!strings.Contains(err.Error(), Name(50)+": empty file") {
		t.Errorf("Latest with no valid checkpoint: %v (skipped %v); want both files' errors, newest first", err, skipped)
	}
	if errors.Is(err, ErrNoCheckpoint) {
		t.Error("Latest with damaged checkpoints reports ErrNoCheckpoint")
	}
}

func TestLatestNone(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, skipped, err := Latest(dir)
	if !errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), dir) || skipped != nil {
		t.Errorf("Latest of a directory without checkpoints: %v, %v; want ErrNoCheckpoint naming it", skipped, err)
	}
	missing := filepath.Join(dir, "missing")
	_, _, _, err = Latest(missing)
	if !errors.Is(err, ErrNoCheckpoint) || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("Latest of a missing directory: %v; want ErrNoCheckpoint and fs.ErrNotExist", err)
	}
	if _, err := List(missing); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("List of a missing directory: %v; want fs.ErrNotExist", err)
	}
}

func TestLoad(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	run := t.TempDir()
	ckdir := filepath.Join(run, "checkpoints")
	for _, gen := range []int{10, 20} {
		if _, err := Save(ckdir, atGeneration(s, gen), 5); err != nil {
			t.Fatal(err)
		}
	}
	newest := filepath.Join(ckdir, Name(20))
	for _, arg := range []string{run, ckdir, newest} {
		got, file, skipped, err := Load(arg)
		if err != nil || file != newest || got.Generation != 20 || skipped != nil {
			t.Errorf("Load(%s) = %v, %s, %v, %v; want generation 20 from %s", arg, got != nil, file, skipped, err, newest)
		}
	}
	older := filepath.Join(ckdir, Name(10))
	if got, file, _, err := Load(older); err != nil || file != older || got.Generation != 10 {
		t.Errorf("Load(%s) = %v, %s, %v; want generation 10", older, got != nil, file, err)
	}

	empty := t.TempDir()
	if _, _, _, err := Load(empty); !errors.Is(err, ErrNoCheckpoint) || !strings.Contains(err.Error(), empty) {
		t.Errorf("Load of an empty directory: %v; want ErrNoCheckpoint naming it", err)
	}
	if _, _, _, err := Load(filepath.Join(empty, "nothing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing path: %v; want fs.ErrNotExist", err)
	}
	bad := filepath.Join(empty, "bad.ckpt")
	if err := os.WriteFile(bad, []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	var ce *CorruptError
	if _, _, _, err := Load(bad); !errors.As(err, &ce) || ce.File != bad {
		t.Errorf("Load of a damaged file: %v; want a *CorruptError naming it", err)
	}
}

// TestReadChecksName checks that a checkpoint renamed to another
// generation's name is refused as damaged, so that it cannot pass for the
// newest, while the same file under a name that is not Name's reads.
func TestReadChecksName(t *testing.T) {
	s := xorPopulation(t, 10, 2).State()
	dir := t.TempDir()
	path, err := Save(dir, atGeneration(s, 30), 5)
	if err != nil {
		t.Fatal(err)
	}
	renamed := filepath.Join(dir, Name(60))
	if err := os.Rename(path, renamed); err != nil {
		t.Fatal(err)
	}
	var ce *CorruptError
	if _, err := Read(renamed); !errors.As(err, &ce) || ce.File != renamed || !strings.Contains(ce.Problem, "holds generation 30, not the 60") {
		t.Errorf("Read of generation 30 named %s = %v; want a CorruptError naming both generations", Name(60), err)
	}
	other := filepath.Join(dir, "copy.ckpt")
	if err := os.Rename(renamed, other); err != nil {
		t.Fatal(err)
	}
	if got, err := Read(other); err != nil || got.Generation != 30 {
		t.Errorf("Read(%s) = %v; want generation 30", other, err)
	}
}
