package checkpoints

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/neuroplast/neuroplast/internal/atomicfile"
	"github.com/neuroplast/neuroplast/population"
)

// ErrNoCheckpoint is returned, wrapped with the directory, by Latest and
// Load when a directory holds no checkpoint.
var ErrNoCheckpoint = errors.New("checkpoints: no checkpoint")

// Name returns the file name of generation gen's checkpoint, such as
// "gen-000050.ckpt": gen with at least six digits.
func Name(gen int) string {
	return fmt.Sprintf("gen-%06d.ckpt", gen)
}

// parseName returns the generation of a checkpoint file name made by Name.
func parseName(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, "gen-")
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, ".ckpt")
	if !ok || len(digits) < 6 || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	gen, err := strconv.Atoi(digits)
	if err != nil || Name(gen) != name {
		return 0, false
	}
	return gen, true
}

// isTemp reports whether name is a temporary file of Write.
func isTemp(name string) bool {
	i := strings.LastIndex(name, ".tmp-")
	if i < 0 {
		return false
	}
	_, ok := parseName(name[:i])
	return ok
}

// entry is a checkpoint file found in a directory.
type entry struct {
	gen  int
	path string
}

// scan returns dir's checkpoint files, newest first, and its temporary
// files. Its error is os.ReadDir's.
func scan(dir string) (ckpts []entry, temps []string, err error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, de := range des {
		if de.IsDir() {
			continue
		}
		name := de.Name()
		if gen, ok := parseName(name); ok {
			ckpts = append(ckpts, entry{gen, filepath.Join(dir, name)})
		} else if isTemp(name) {
			temps = append(temps, filepath.Join(dir, name))
		}
	}
	slices.SortFunc(ckpts, func(a, b entry) int { return cmp.Compare(b.gen, a.gen) })
	return ckpts, temps, nil
}

// Write writes s to path atomically: it writes a temporary file in the same
// directory, syncs it, renames it over path and syncs the directory, so
// that path holds the old content or the new, never a part. A failed Write
// leaves no temporary file behind.
func Write(path string, s *population.State) error {
	err := atomicfile.Write(path, filepath.Base(path)+".tmp-*", func(f *os.File) error {
		w := bufio.NewWriterSize(f, 1<<20)
		// The header, which holds the payload's length and checksum, is
		// written last, over room left for it.
		if _, err := w.Write(make([]byte, headerSize)); err != nil {
			return err
		}
		h, err := writeCompressed(w, s)
		if err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		_, err = f.WriteAt(h.marshal(), 0)
		return err
	})
	if err != nil {
		return fmt.Errorf("checkpoints: writing %s: %w", path, err)
	}
	return nil
}

// Read reads the checkpoint at path. A damaged file gives a *CorruptError
// naming the file and the problem, as does a file named by Name whose
// generation is not the one in its name.
func Read(path string) (*population.State, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	defer f.Close()
	size := int64(-1)
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	s, err := decode(f, size)
	var ce *CorruptError
	switch {
	case errors.As(err, &ce):
		ce.File = path
		return nil, ce
	case err != nil:
		return nil, fmt.Errorf("checkpoints: %s: %w", path, err)
	}
	// A file named by Name must hold that generation: one copied in from
	// elsewhere under another name would otherwise pass for the newest.
	if gen, ok := parseName(filepath.Base(path)); ok && gen != s.Generation {
		return nil, &CorruptError{File: path, Problem: fmt.Sprintf("it holds generation %d, not the %d its name says", s.Generation, gen)}
	}
	return s, nil
}

// Save writes s into dir (created if missing) as Name(s.Generation), then
// removes all but the newest keep checkpoints of s's run in dir, and any
// temporary files an interrupted Write left there.
//
// The new checkpoint is complete and renamed into place before anything is
// removed, and only checkpoints of generations before s.Generation are
// removed (the new one counts as the newest kept), so a damaged file of a
// later generation never causes the last valid checkpoint to go. Of the
// older files, only checkpoints of s's run (ofRun: intact, holding the
// generation their name says, of s's task and seed) count toward keep or
// are removed: a damaged file, or one copied in from another run, is left
// as it is, and never takes the place of a valid checkpoint. Nor is such a
// file written over when it has the new checkpoint's name (a run resumed
// from before a damaged checkpoint reaches its generation): it is first
// renamed NAME.kept (NAME.kept-2, ... when that is taken), and Save says
// so in its error. If the checkpoint was written but a file was moved
// aside or pruning failed, Save returns its path with the error; if it
// returns no path, no checkpoint was written and nothing was removed.
func Save(dir string, s *population.State, keep int) (path string, err error) {
	switch {
	case keep < 1:
		return "", fmt.Errorf("checkpoints: keep = %d, want >= 1", keep)
	case s == nil:
		return "", errors.New("checkpoints: nil state")
	case s.Generation < 0:
		return "", fmt.Errorf("checkpoints: generation %d, want >= 0", s.Generation)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("checkpoints: %w", err)
	}
	path = filepath.Join(dir, Name(s.Generation))
	var notes []error
	if _, err := os.Lstat(path); err == nil && !ofRun(entry{s.Generation, path}, s) {
		kept, err := MoveAside(path)
		if err != nil {
			return "", fmt.Errorf("checkpoints: %s, in the way of the new checkpoint, is not one of this run, and cannot be moved aside: %w", path, err)
		}
		notes = append(notes, fmt.Errorf("checkpoints: the file that was at %s before is not a checkpoint of this run (damaged, misnamed or another run's): it is kept as %s", path, kept))
	}
	if err := Write(path, s); err != nil {
		return "", errors.Join(append(notes, err)...)
	}
	ckpts, temps, err := scan(dir)
	if err != nil {
		return path, errors.Join(append(notes, fmt.Errorf("checkpoints: pruning: %w", err))...)
	}
	var errs []error
	kept := 1
	for _, c := range ckpts {
		if c.gen >= s.Generation || !ofRun(c, s) {
			continue
		}
		if kept < keep {
			kept++
			continue
		}
		if err := os.Remove(c.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	for _, t := range temps {
		if err := os.Remove(t); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		notes = append(notes, fmt.Errorf("checkpoints: pruning: %w", errors.Join(errs...)))
	}
	return path, errors.Join(notes...)
}

// MoveAside renames the file at path to the first of path.kept,
// path.kept-2, ... that is free (names List and Save ignore), and returns
// the new name: a checkpoint that must not be used, nor written over, is
// kept for the user to look at.
func MoveAside(path string) (string, error) {
	kept := path + ".kept"
	for n := 2; ; n++ {
		_, err := os.Lstat(kept)
		if errors.Is(err, fs.ErrNotExist) {
			return kept, os.Rename(path, kept)
		} else if err != nil {
			return "", err
		}
		kept = fmt.Sprintf("%s.kept-%d", path, n)
	}
}

// ofRun reports whether c is a checkpoint of the run s belongs to: its
// header is a checkpoint's, its payload has the length and CRC-32C the
// header gives, and it holds generation c.gen of s's task and seed. Only
// the start of the payload (the configuration and the generation) is
// decompressed, though the whole file is read and checksummed: about 13
// ms for an MNIST run's file, against 190 ms for Read. Files that fail
// are left for the user to look at: where they are, or, when one has the
// name of the checkpoint Save writes, renamed NAME.kept.
func ofRun(c entry, s *population.State) bool {
	b, err := os.ReadFile(c.path)
	if err != nil || len(b) < headerSize || string(b[:len(magic)]) != magic {
		return false
	}
	h, payload := parseHeader(b), b[headerSize:]
	if h.version < MinVersion || h.version > Version || h.payloadLen != uint64(len(payload)) ||
		h.crc != crc32.Checksum(payload, castagnoli) {
		return false
	}
	zr, err := gzip.NewReader(bytes.NewReader(payload))
	if err != nil {
		return false
	}
	r := bufio.NewReader(zr)
	n, err := binary.ReadUvarint(r)
	if err != nil || n > uint64(len(payload))*maxRatio {
		return false
	}
	config, err := io.ReadAll(io.LimitReader(r, int64(n)))
	if err != nil || uint64(len(config)) != n {
		return false
	}
	cfg := population.DefaultConfig()
	if decodeConfig(config, &cfg) != nil {
		return false
	}
	gen, err := binary.ReadVarint(r)
	return err == nil && gen == int64(c.gen) && cfg.Task == s.Config.Task && cfg.Seed == s.Config.Seed
}

// List returns the paths of the checkpoint files in dir, newest (highest
// generation) first. Files not named by Name are ignored.
func List(dir string) ([]string, error) {
	ckpts, _, err := scan(dir)
	if err != nil {
		return nil, fmt.Errorf("checkpoints: %w", err)
	}
	paths := make([]string, len(ckpts))
	for i, c := range ckpts {
		paths[i] = c.path
	}
	return paths, nil
}

// Latest loads the newest valid checkpoint in dir and returns it with its
// path. Each newer checkpoint that fails to load is returned in skipped, as
// an error naming the file and the problem, and the next older one is
// tried. If dir holds no checkpoint (or cannot be read), err wraps
// ErrNoCheckpoint and names dir; if none of them loads, err joins the
// errors of all of them, newest first, and skipped holds the same errors.
func Latest(dir string) (s *population.State, path string, skipped []error, err error) {
	ckpts, _, err := scan(dir)
	if err != nil {
		return nil, "", nil, fmt.Errorf("%w in %s (%w)", ErrNoCheckpoint, dir, err)
	}
	if len(ckpts) == 0 {
		return nil, "", nil, fmt.Errorf("%w in %s", ErrNoCheckpoint, dir)
	}
	for _, c := range ckpts {
		s, err := Read(c.path)
		if err == nil {
			return s, c.path, skipped, nil
		}
		skipped = append(skipped, err)
	}
	return nil, "", skipped, errors.Join(skipped...)
}

// Load reads the checkpoint at path, or, when path is a directory, the
// newest valid checkpoint of the run directory: in path/checkpoints, or in
// path itself if that holds checkpoint files directly. It returns the file
// loaded, and, as Latest does, the newer checkpoints it skipped. This is
// what evolve inspect and show accept as DIR|CHECKPOINT.
func Load(path string) (s *population.State, file string, skipped []error, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", nil, fmt.Errorf("checkpoints: %w", err)
	}
	if !fi.IsDir() {
		s, err := Read(path)
		if err != nil {
			return nil, "", nil, err
		}
		return s, path, nil, nil
	}
	sub := filepath.Join(path, "checkpoints")
	for _, dir := range []string{sub, path} {
		if ckpts, _, err := scan(dir); err == nil && len(ckpts) > 0 {
			return Latest(dir)
		}
	}
	return nil, "", nil, fmt.Errorf("%w in %s or %s", ErrNoCheckpoint, sub, path)
}
