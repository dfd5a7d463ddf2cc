package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/neuroplast/neuroplast/internal/jsonerr"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// dataFile is the run directory's record of the data files a run reads
// from outside the Go module cache, written by evolve run and checked by
// evolve resume: a run is a pure function of its configuration, its seed
// and these files, and the configuration names them by path only.
const dataFile = "data.json"

// dataRecord is the content of data.json.
type dataRecord struct {
	Files []dataFileSum `json:"files"`
}

// dataFileSum is one data file as a run read it: its absolute path (the
// configuration's paths are absolute already, unless the run's directory
// held a comma, which csv:TRAIN,TEST cannot carry), its size in bytes and the SHA-256 of its content
// in lowercase hex.
type dataFileSum struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// dataFiles returns the files the task of cfg reads that are the user's:
// those of a CSV task (csv:FILE or csv:TRAIN,TEST), and the four MNIST
// files of an MNIST stream when data_dir is set (without it, the streams
// read the GoMNIST module's files from the Go module cache, which never
// change under a version). Paths are as cfg names them, without repeats;
// a spec that does not parse gives none, for newTask to report.
func dataFiles(cfg population.Config) []string {
	var files []string
	if spec, ok := strings.CutPrefix(cfg.Task, tasks.CSVPrefix); ok {
		for f := range strings.SplitSeq(spec, ",") {
			if f == "" {
				return nil
			}
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
		return files
	}
	// The streams tasks.NewStream reads from FindMNIST(data_dir).
	if (cfg.Task == "permuted-mnist" || cfg.Task == "split-mnist") && cfg.DataDir != "" {
		for _, name := range []string{tasks.MNISTTrainImages, tasks.MNISTTrainLabels, tasks.MNISTTestImages, tasks.MNISTTestLabels} {
			files = append(files, filepath.Join(cfg.DataDir, name))
		}
	}
	return files
}

// sumFile returns the size and SHA-256 of the file at path, streamed.
func sumFile(path string) (dataFileSum, error) {
	f, err := os.Open(path)
	if err != nil {
		return dataFileSum{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return dataFileSum{}, err
	}
	return dataFileSum{Path: path, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// recordData returns the record of cfg's data files (see dataFiles), or
// nil when it reads none.
func recordData(cfg population.Config) (*dataRecord, error) {
	files := dataFiles(cfg)
	if len(files) == 0 {
		return nil, nil
	}
	rec := &dataRecord{}
	for _, path := range files {
		if abs, err := filepath.Abs(path); err == nil {
			// So that resume, from any directory, checks the file the run
			// read, and newTask then says how to reach it.
			path = abs
		}
		sum, err := sumFile(path)
		if err != nil {
			return nil, fmt.Errorf("data file %s: %v", path, err)
		}
		rec.Files = append(rec.Files, sum)
	}
	return rec, nil
}

// newRecordedTask returns newTask(cfg) and the record of the data files it
// read. The files are hashed before the task reads them: were one changed
// in between, the record would hold the older content, and resume would
// refuse the run's own data rather than accept other data. newTask's
// error wins over the record's, since it says more (where a CSV is bad,
// for one).
func newRecordedTask(cfg population.Config) (tasks.Task, *dataRecord, error) {
	rec, recErr := recordData(cfg)
	task, err := newTask(cfg)
	if err != nil {
		return nil, nil, err
	}
	if recErr != nil {
		return nil, nil, recErr
	}
	return task, rec, nil
}

// write writes the record as DIR/data.json, atomically; a nil record
// writes nothing.
func (r *dataRecord) write(dir string) error {
	if r == nil {
		return nil
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, dataFile)
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		return fmt.Errorf("writing %s: %v", path, err)
	}
	return nil
}

// readDataRecord reads DIR/data.json; it returns nil and no error when
// there is none (a run directory of an older evolve, or of a task that
// reads no files of the user's).
func readDataRecord(dir string) (*dataRecord, error) {
	path := filepath.Join(dir, dataFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var rec dataRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("%s: %s", path, jsonerr.Problem(err, b, "an object of data files"))
	}
	for i, f := range rec.Files {
		if sum, err := hex.DecodeString(f.SHA256); f.Path == "" || f.Size < 0 || err != nil || len(sum) != sha256.Size {
			return nil, fmt.Errorf("%s: file %d: want a path, a size >= 0 and a sha256 of 64 hex digits", path, i+1)
		}
	}
	return &rec, nil
}

// changes returns, for each recorded file whose content differs from the
// record, or that cannot be read, a description of the difference.
func (r *dataRecord) changes() []string {
	var changed []string
	for _, want := range r.Files {
		recorded := fmt.Sprintf("recorded %d bytes, sha256 %s", want.Size, want.SHA256)
		got, err := sumFile(want.Path)
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the file is named already
		}
		switch {
		case err != nil: // missing, for one
			changed = append(changed, fmt.Sprintf("%s: %v (%s)", want.Path, err, recorded))
		case got.Size != want.Size || got.SHA256 != want.SHA256:
			changed = append(changed, fmt.Sprintf("%s has changed (%s; now %d bytes, sha256 %s)", want.Path, recorded, got.Size, got.SHA256))
		}
	}
	return changed
}

// checkData checks, before evolve resume changes anything in the run
// directory dir, that the data files recorded in its data.json are those
// the run read, and returns the record (nil without one) for covers to
// check the checkpoint's paths against. It returns exitOK to go on, or
// reports on stderr and returns exitUsage when one has changed, is
// missing or the record cannot be read. A directory without data.json
// (made by an older evolve) resumes unchecked, with a note when its
// config.toml names data files.
func checkData(dir string, stderr io.Writer) (*dataRecord, int) {
	path := filepath.Join(dir, dataFile)
	rec, err := readDataRecord(dir)
	if err != nil {
		fmt.Fprintf(stderr, "evolve resume: %v; it records the data files the run read, to check them before resuming: restore it, or remove it to resume unchecked; nothing was changed\n", err)
		return nil, exitUsage
	}
	if rec == nil {
		if cfg, data, err := recordedConfig(dir); err == nil && data != nil {
			if files := dataFiles(cfg); len(files) > 0 {
				fmt.Fprintf(stderr, "evolve resume: note: %s has no %s (an older evolve made it), so %s cannot be checked against the data the run read\n", dir, dataFile, strings.Join(files, ", "))
			}
		}
		return nil, exitOK
	}
	if changed := rec.changes(); len(changed) > 0 {
		fmt.Fprintf(stderr, "evolve resume: %s: the data differ from those the run read, as %s records them: %s. A run continues exactly only on its own data: "+
			"put back the data as the run read them, or start a new run (on the data as they are now): evolve run --config %s --out NEWDIR; nothing was changed\n",
			dir, path, strings.Join(changed, "; "), filepath.Join(dir, configFile))
		return nil, exitUsage
	}
	return rec, exitOK
}

// covers returns an error unless every data file cfg names is, as the
// task will open it from the working directory, one that r records: a
// path that config.toml keeps relative (a run started where csv:TRAIN,TEST
// could not carry an absolute one) names other files from elsewhere. A nil
// record covers anything.
func (r *dataRecord) covers(cfg population.Config) error {
	if r == nil {
		return nil
	}
	for _, f := range dataFiles(cfg) {
		abs, err := filepath.Abs(f)
		if err != nil {
			return fmt.Errorf("data file %s: %v", f, err)
		}
		if !slices.ContainsFunc(r.Files, func(s dataFileSum) bool { return s.Path == abs }) {
			if filepath.IsAbs(f) {
				return fmt.Errorf("the run's data file %s is not among those %s records: restore the run's own %s, or remove it to resume unchecked", f, dataFile, dataFile)
			}
			return fmt.Errorf("the run names its data file %s relative to the directory it started in, where it was the one %s records; from here it is %s: resume it from that directory", f, dataFile, abs)
		}
	}
	return nil
}
