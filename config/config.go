package config

import (
	"bufio"
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"maps"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"

	toml "github.com/pelletier/go-toml/v2"

	"github.com/neuroplast/neuroplast/population"
)

// Decode decodes the TOML document data, read from file, over cfg, as
// json.Unmarshal decodes over the value it is given: the keys data sets
// replace cfg's values and the others are left as they are, so start from
// population.DefaultConfig with the task's needs applied
// (Config.ApplyTask). Unknown keys are errors, and so is a number
// given for a named setting (a strategy, an activation, ...). Errors name
// the file, the line and the key (the line is missing only for a number
// given for a named setting inside an inline table); for unknown keys
// they list the keys allowed in their table, for a named setting the
// names allowed. file serves only the errors.
//
// Decode does not validate the values (Config.Validate does, and
// population.New calls it), and a task key in data replaces cfg.Task,
// which population.New then checks against the task's name. After an
// error, cfg may hold part of data.
func Decode(data []byte, file string, cfg *population.Config) error {
	// Named settings first: go-toml hands a value of another kind (true,
	// 3.5) to the setting's UnmarshalText, whose error has no position.
	if err := namesOnly(data, file); err != nil {
		return err
	}
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(cfg)
	if err == nil {
		return nil
	}
	var missing *toml.StrictMissingError
	var decode *toml.DecodeError
	switch {
	case errors.As(err, &missing):
		lines := make([]string, len(missing.Errors))
		for i := range missing.Errors {
			e := &missing.Errors[i]
			row, _ := e.Position()
			table, allowed := allowedKeys(e.Key())
			lines[i] = fmt.Sprintf("%s:%d: unknown key %q (allowed in %s: %s)", file, row, strings.Join(e.Key(), "."), table, strings.Join(allowed, ", "))
		}
		return errors.New(strings.Join(lines, "\n"))
	case errors.As(err, &decode):
		row, col := decode.Position()
		msg := plainDecodeError(strings.TrimPrefix(decode.Error(), "toml: "))
		key := decode.Key()
		switch {
		case slices.Equal(key, []string{"seed"}) && outOfRange.MatchString(decode.Error()):
			// An integer out of range: negative, or beyond TOML's int64.
			msg = fmt.Sprintf("seed = %s: want %s", tokenAt(data, row, col), SeedRange)
		case len(key) > 0:
			msg = fmt.Sprintf("%s: %s", strings.Join(key, "."), msg)
		}
		return fmt.Errorf("%s:%d:%d: %s\n%s", file, row, col, msg, strings.TrimRight(decode.String(), "\n"))
	}
	return fmt.Errorf("%s: %v", file, err)
}

// Load reads the TOML file path and decodes it over cfg (see Decode).
func Load(path string, cfg *population.Config) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return Decode(data, path, cfg)
}

// Encode returns cfg as a TOML document, each key with its comment, after
// the given header lines (written as comments). Decode reads it back.
func Encode(cfg population.Config, header ...string) ([]byte, error) {
	body, err := toml.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encoding the configuration: %v", err)
	}
	var b bytes.Buffer
	for _, h := range header {
		for line := range strings.Lines(h) {
			b.WriteString("# " + strings.TrimSuffix(line, "\n") + "\n")
		}
	}
	if len(header) > 0 {
		b.WriteString("\n")
	}
	b.Write(body)
	return b.Bytes(), nil
}

// Line returns the 1-based line of data (a TOML file) that sets key in
// the table [section] ("" for the top level), or 0 if none does. It
// serves to point at a key whose value was refused after decoding, as by
// Config.Validate.
func Line(data []byte, section, key string) int {
	want := dottedKey(key)
	if section != "" {
		want = dottedKey(section + "." + key)
	}
	var current []string // the table the lines are in
	sc := bufio.NewScanner(bytes.NewReader(data))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if header, ok := strings.CutPrefix(text, "["); ok {
			if name, _, ok := strings.Cut(header, "]"); ok {
				current = dottedKey(name)
			}
			continue
		}
		if name, _, ok := strings.Cut(text, "="); ok && slices.Equal(append(slices.Clip(current), dottedKey(name)...), want) {
			return line
		}
	}
	return 0
}

// dottedKey splits a TOML key such as `genome."output_activation"` into
// its parts, unquoted. It serves the bare and simply quoted keys of a
// configuration, not every TOML spelling.
func dottedKey(key string) []string {
	parts := strings.Split(key, ".")
	for i, p := range parts {
		parts[i] = strings.Trim(strings.TrimSpace(p), `"'`)
	}
	return parts
}

// SeedRange is what a seed may be, in the words of Decode's errors: a
// TOML integer that is not negative, so at most math.MaxInt64, although
// population.Config.Seed is a uint64. Encode fails on a larger seed.
const SeedRange = "0 to 9223372036854775807 (seeds are stored as TOML integers)"

// tokenAt returns the value that starts at line row, column col (both
// from 1) of the TOML document data: the text up to the next space,
// comma or comment.
func tokenAt(data []byte, row, col int) string {
	lines := strings.Split(string(data), "\n")
	if row < 1 || row > len(lines) || col < 1 || col > len(lines[row-1]) {
		return "?"
	}
	tok := lines[row-1][col-1:]
	if i := strings.IndexAny(tok, " \t\r,#"); i >= 0 {
		tok = tok[:i]
	}
	return tok
}

// namesOnly checks that every key of data whose setting is a named choice
// (an activation, a strategy, ...) is given by name: go-toml decodes an
// integer into such a setting as its index, so "strategy = 3" would pick a
// strategy silently. A document that does not parse passes, for the
// decoder to report where it fails.
func namesOnly(data []byte, file string) error {
	var doc map[string]any
	if toml.Unmarshal(data, &doc) != nil {
		return nil
	}
	return namesIn(doc, reflect.TypeFor[population.Config](), "", data, file)
}

// namesIn is namesOnly for the table doc of struct type t, named section
// ("" at the top level).
func namesIn(doc map[string]any, t reflect.Type, section string, data []byte, file string) error {
	textType := reflect.TypeFor[encoding.TextUnmarshaler]()
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		f, ok := tomlField(t, key)
		if !ok {
			continue
		}
		v, name := doc[key], key
		if section != "" {
			name = section + "." + key
		}
		if sub, ok := v.(map[string]any); ok && f.Type.Kind() == reflect.Struct {
			if err := namesIn(sub, f.Type, name, data, file); err != nil {
				return err
			}
			continue
		}
		ft, values := f.Type, []any{v}
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
			values, _ = v.([]any)
		}
		if !reflect.PointerTo(ft).Implements(textType) {
			continue
		}
		for _, e := range values {
			if _, ok := e.(string); ok {
				continue
			}
			// The type's own error for the value lists the allowed names.
			err := reflect.New(ft).Interface().(encoding.TextUnmarshaler).UnmarshalText(fmt.Append(nil, e))
			where := file
			if line := Line(data, section, key); line > 0 {
				where = fmt.Sprintf("%s:%d", file, line)
			}
			return fmt.Errorf("%s: %s = %v: want a name, in quotes: %v", where, name, e, err)
		}
	}
	return nil
}

// typeMismatch matches go-toml's message for a value of the wrong kind
// ("float", "local date", ...), which names Go's struct field and type.
var typeMismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into struct field \S+ of type (\S+)$`)

// outOfRange matches go-toml's messages for an integer that does not fit
// the key's type: negative for an unsigned one, or beyond 64 bits.
var outOfRange = regexp.MustCompile(`negative integer value|too large to fit`)

// plainDecodeError rewrites go-toml's message for a value of the wrong kind
// in the configuration's terms: "want an integer, not a TOML float"
// rather than "cannot decode TOML float into struct field
// population.Config.PopulationSize of type int"; an integer too large
// for 64 bits and an unquoted string get a hint. Other messages are
// returned as they are.
func plainDecodeError(msg string) string {
	switch {
	case strings.Contains(msg, "too large to fit in a 64-bit"):
		return msg + "; want a number in the key's range (see evolve config)"
	case strings.HasPrefix(msg, "unexpected character") && strings.HasSuffix(msg, "at start of value"):
		return msg + ` (a string is quoted: key = "value"; see evolve config)`
	}
	m := typeMismatch.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	want := "a " + m[2]
	switch t := m[2]; {
	case t == "int":
		want = "an integer"
	case t == "uint64": // the seed
		want = "an integer " + SeedRange
	case t == "float64":
		want = "a number"
	case t == "bool":
		want = "true or false"
	case t == "string":
		want = "a string"
	case strings.HasPrefix(t, "[]"):
		want = "an array"
	case strings.Contains(t, "."):
		want = "a name (see evolve config)"
	}
	return fmt.Sprintf("want %s, not a TOML %s", want, m[1])
}

// allowedKeys follows key through the TOML tables of population.Config as
// far as they go and returns the name of the table where it leaves them
// ("the top level" or "[mutate]") and the keys allowed there, in
// declaration order.
func allowedKeys(key toml.Key) (table string, allowed []string) {
	t := reflect.TypeFor[population.Config]()
	var path []string
	for _, part := range key {
		f, ok := tomlField(t, part)
		if !ok || f.Type.Kind() != reflect.Struct {
			break
		}
		t = f.Type
		path = append(path, part)
	}
	for i := range t.NumField() {
		if name := tomlName(t.Field(i)); name != "" {
			allowed = append(allowed, name)
		}
	}
	if len(path) == 0 {
		return "the top level", allowed
	}
	return "[" + strings.Join(path, ".") + "]", allowed
}

// tomlField returns the field of struct type t that the TOML key name
// decodes into.
func tomlField(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		if f := t.Field(i); tomlName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tomlName returns the TOML key of a struct field, or "" if the field is not
// encoded.
func tomlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	switch name {
	case "-":
		return ""
	case "":
		return f.Name
	}
	return name
}
