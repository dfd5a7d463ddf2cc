// Package population runs evolution: the configuration with its defaults and
// validation, the generation loop (evaluate, speciate, reproduce), the
// per-generation statistics, and the Recorder interface reporters implement.
package population
