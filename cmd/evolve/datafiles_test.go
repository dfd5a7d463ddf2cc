package main

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// csvRunArgs are the flags of the CSV runs the data tests compare.
var csvRunArgs = []string{"--population", "20", "--seed", "2", "--stop-on-solve=false", "--checkpoint-every", "1", "--quiet"}

// wantRecord returns data.json's record of the files at paths as they are.
func wantRecord(t *testing.T, paths ...string) *dataRecord {
	t.Helper()
	rec := &dataRecord{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		rec.Files = append(rec.Files, dataFileSum{Path: p, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])})
	}
	return rec
}

// editOneValue changes one digit of the first data row of a CSV file that
// blobsCSV wrote, keeping it valid and its size.
func editOneValue(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.IndexByte(string(b), '.') + 1 // the first digit after a point
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDataFiles checks which files a configuration's task reads from the
// user: a CSV task's, and the MNIST files only when data_dir names them.
func TestDataFiles(t *testing.T) {
	t.Parallel()
	mnist := []string{tasks.MNISTTrainImages, tasks.MNISTTrainLabels, tasks.MNISTTestImages, tasks.MNISTTestLabels}
	for _, tt := range []struct {
		task, dataDir string
		want          []string
	}{
		{"csv:/d/a.csv", "", []string{"/d/a.csv"}},
		{"csv:/d/a.csv,/d/b.csv", "/m", []string{"/d/a.csv", "/d/b.csv"}},
		{"csv:/d/a.csv,/d/a.csv", "", []string{"/d/a.csv"}},
		{"csv:", "", nil},
		{"csv:/d/a.csv,", "", nil},
		{"permuted-mnist", "/m", []string{"/m/" + mnist[0], "/m/" + mnist[1], "/m/" + mnist[2], "/m/" + mnist[3]}},
		{"split-mnist", "/m", []string{"/m/" + mnist[0], "/m/" + mnist[1], "/m/" + mnist[2], "/m/" + mnist[3]}},
		{"permuted-mnist", "", nil}, // the GoMNIST module's files
		{"xor", "/m", nil},
		{"bitflip", "/m", nil},
	} {
		cfg := population.DefaultConfig()
		cfg.Task, cfg.DataDir = tt.task, tt.dataDir
		if got := dataFiles(cfg); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("task %q, data_dir %q: data files %q, want %q", tt.task, tt.dataDir, got, tt.want)
		}
	}

	// The MNIST files of a data_dir are hashed as they are, before any
	// task reads them.
	dir := t.TempDir()
	var paths []string
	for i, name := range mnist {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	cfg := population.DefaultConfig()
	cfg.Task, cfg.DataDir = "split-mnist", dir
	rec, err := recordData(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if want := wantRecord(t, paths...); !reflect.DeepEqual(rec, want) {
		t.Errorf("recordData: %+v, want %+v", rec, want)
	}
}

// TestResumeRefusesChangedData starts a run on CSV files, changes one
// value, then removes a file: resume refuses each with status 2, a
// message naming the file, the recorded and the present size and SHA-256
// and what to do, and leaves the run directory byte-identical. With the
// file put back it resumes.
func TestResumeRefusesChangedData(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	trainDir, testDir := filepath.Join(base, "train"), filepath.Join(base, "test")
	for _, d := range []string{trainDir, testDir} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	train, test := blobsCSV(t, trainDir, 1), blobsCSV(t, testDir, 2)
	for _, tt := range []struct {
		name, task string
		files      []string
		change     string // the file changed
	}{
		{"one", "csv:" + train, []string{train}, train},
		{"two", "csv:" + train + "," + test, []string{train, test}, test},
	} {
		dir := filepath.Join(base, tt.name)
		mustCall(t, runCmd, append([]string{"--task", tt.task, "--generations", "2", "--out", dir}, csvRunArgs...)...)
		rec, err := readDataRecord(dir)
		if err != nil {
			t.Fatal(err)
		}
		if want := wantRecord(t, tt.files...); !reflect.DeepEqual(rec, want) {
			t.Fatalf("%s: %+v, want %+v", filepath.Join(dir, dataFile), rec, want)
		}
		was := wantRecord(t, tt.change).Files[0]
		original, err := os.ReadFile(tt.change)
		if err != nil {
			t.Fatal(err)
		}

		before := snapshot(t, dir)
		editOneValue(t, tt.change)
		now := wantRecord(t, tt.change).Files[0]
		code, _, stderr := call(t, resumeCmd, dir, "--generations", "4")
		for _, w := range []string{tt.change + " has changed", was.SHA256, now.SHA256, "put back", "evolve run --config " + filepath.Join(dir, configFile) + " --out NEWDIR", "nothing was changed"} {
			if !strings.Contains(stderr, w) {
				t.Errorf("resume of %s with %s edited: stderr %q, want it to contain %q", tt.task, tt.change, stderr, w)
			}
		}
		if code != exitUsage || strings.Count(stderr, "\n") != 1 {
			t.Errorf("resume of %s with %s edited: exit status %d, stderr %q; want 2 and one line", tt.task, tt.change, code, stderr)
		}
		if after := snapshot(t, dir); !maps.Equal(before, after) {
			t.Errorf("resume of %s with %s edited changed the run directory", tt.task, tt.change)
		}

		if err := os.Remove(tt.change); err != nil {
			t.Fatal(err)
		}
		code, _, stderr = call(t, resumeCmd, dir, "--generations", "4")
		if code != exitUsage || !strings.Contains(stderr, tt.change+": no such file or directory") || !strings.Contains(stderr, was.SHA256) {
			t.Errorf("resume of %s with %s removed: exit status %d, stderr %q; want 2 and the file missing", tt.task, tt.change, code, stderr)
		}
		if after := snapshot(t, dir); !maps.Equal(before, after) {
			t.Errorf("resume of %s with %s removed changed the run directory", tt.task, tt.change)
		}

		if err := os.WriteFile(tt.change, original, 0o644); err != nil {
			t.Fatal(err)
		}
		mustCall(t, resumeCmd, dir, "--generations", "4", "--quiet")
	}

	// A record that does not decode is refused too.
	dir := filepath.Join(base, "one")
	if err := os.WriteFile(filepath.Join(dir, dataFile), []byte(`{"files": [{"path": "x"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir)
	if code != exitUsage || !strings.Contains(stderr, filepath.Join(dir, dataFile)) || !strings.Contains(stderr, "remove it to resume unchecked") {
		t.Errorf("resume with a bad %s: exit status %d, stderr %q; want 2 and what to do", dataFile, code, stderr)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("resume with a bad %s changed the run directory", dataFile)
	}
}

// TestResumeUnchangedData checks that a CSV run resumed on its unchanged
// data continues exactly as the uninterrupted run, silently, that both
// record the data alike and that resume leaves data.json as it was.
func TestResumeUnchangedData(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	file := blobsCSV(t, base, 1)
	run := func(name, gens string) string { return csvRunIn(t, base, file, name, gens) }
	whole, half := run("whole", "6"), run("half", "3")
	record, err := os.ReadFile(filepath.Join(half, dataFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, stderr := mustCall(t, resumeCmd, half, "--generations", "6", "--quiet"); stderr != "" {
		t.Errorf("resume --quiet on unchanged data: stderr %q; want nothing", stderr)
	}
	sameRun(t, whole, half)
	after, err := os.ReadFile(filepath.Join(half, dataFile))
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(record) {
		t.Errorf("resume rewrote %s:\n%s\nwas\n%s", dataFile, after, record)
	}
	if rec, err := readDataRecord(whole); err != nil || !reflect.DeepEqual(rec, wantRecord(t, file)) {
		t.Errorf("%s: %+v, %v; want %+v", filepath.Join(whole, dataFile), rec, err, wantRecord(t, file))
	}

	// A task that reads no files of the user's has no data.json.
	xor := filepath.Join(base, "xor")
	mustCall(t, runCmd, "--task", "xor", "--generations", "1", "--quiet", "--out", xor)
	if _, err := os.Stat(filepath.Join(xor, dataFile)); err == nil {
		t.Errorf("run --task xor wrote %s", dataFile)
	}
}

// TestResumeWithoutDataRecord checks that a CSV run directory without
// data.json (as an older evolve made them) still resumes, exactly, with
// a one-line note that its data cannot be checked.
func TestResumeWithoutDataRecord(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	file := blobsCSV(t, base, 1)
	run := func(name, gens string) string { return csvRunIn(t, base, file, name, gens) }
	whole, old := run("whole", "4"), run("old", "2")
	if err := os.Remove(filepath.Join(old, dataFile)); err != nil {
		t.Fatal(err)
	}
	_, stderr := mustCall(t, resumeCmd, old, "--generations", "4", "--quiet")
	if want := "evolve resume: note: " + old + " has no " + dataFile; !strings.HasPrefix(stderr, want) || !strings.Contains(stderr, file) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("resume without %s: stderr %q; want one line beginning %q and naming %s", dataFile, stderr, want, file)
	}
	sameRun(t, whole, old)
	if _, err := os.Stat(filepath.Join(old, dataFile)); err == nil {
		t.Errorf("resume wrote %s, which would record data the run may not have read", dataFile)
	}
}

// csvRunIn runs csv:file for gens generations into base/name and returns
// the run directory.
func csvRunIn(t *testing.T, base, file, name, gens string) string {
	t.Helper()
	dir := filepath.Join(base, name)
	mustCall(t, runCmd, append([]string{"--task", "csv:" + file, "--generations", gens, "--out", dir}, csvRunArgs...)...)
	return dir
}

// TestDataRecordAbsolute checks that data.json holds an absolute path even
// where config.toml keeps a relative one (a run started in a directory
// whose path has a comma, which csv:TRAIN,TEST cannot carry), and that
// resume from elsewhere, where that relative path names no file or other
// data, refuses and says to resume from the run's own directory.
func TestDataRecordAbsolute(t *testing.T) {
	base := filepath.Join(t.TempDir(), "a,b")
	if err := os.Mkdir(base, 0o755); err != nil {
		t.Fatal(err)
	}
	blobsCSV(t, base, 1)
	t.Chdir(base)
	mustCall(t, runCmd, append([]string{"--task", "csv:blobs.csv", "--generations", "2", "--out", "r"}, csvRunArgs...)...)
	rec, err := readDataRecord("r")
	if err != nil {
		t.Fatal(err)
	}
	if want := wantRecord(t, filepath.Join(base, "blobs.csv")); !reflect.DeepEqual(rec, want) {
		t.Errorf("data.json %+v; want %+v", rec, want)
	}
	// From elsewhere, config.toml's relative path names another file: with
	// none there, or with other data of the same name, resume must refuse.
	other := t.TempDir()
	t.Chdir(other)
	before := snapshot(t, filepath.Join(base, "r"))
	for _, data := range []bool{false, true} {
		if data {
			blobsCSV(t, other, 2)
		}
		code, _, stderr := call(t, resumeCmd, filepath.Join(base, "r"), "--generations", "3")
		if code != exitUsage || strings.Contains(stderr, "differ") || !strings.Contains(stderr, "resume it from that directory") {
			t.Errorf("resume from elsewhere (other data there: %v): exit status %d, stderr %q; want 2 and to resume from the run's directory", data, code, stderr)
		}
	}
	if after := snapshot(t, filepath.Join(base, "r")); !maps.Equal(before, after) {
		t.Errorf("the refused resumes changed the run directory")
	}
}

// TestResumeRefusesUnrecordedData checks that a data.json that records
// other files than the run's (copied from another run, say), all of them
// unchanged, does not let resume go on unchecked: the run's own file is
// not among them.
func TestResumeRefusesUnrecordedData(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	file := blobsCSV(t, base, 1)
	otherDir := filepath.Join(base, "other")
	if err := os.Mkdir(otherDir, 0o755); err != nil {
		t.Fatal(err)
	}
	other := blobsCSV(t, otherDir, 2)
	dir := csvRunIn(t, base, file, "r", "2")
	if err := wantRecord(t, other).write(dir); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	code, _, stderr := call(t, resumeCmd, dir, "--generations", "3")
	if code != exitUsage || !strings.Contains(stderr, file+" is not among those") {
		t.Errorf("resume with another run's data.json: exit status %d, stderr %q; want 2 naming %s", code, stderr, file)
	}
	if after := snapshot(t, dir); !maps.Equal(before, after) {
		t.Errorf("the refused resume changed the run directory")
	}
}
