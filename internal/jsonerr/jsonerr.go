// Package jsonerr turns encoding/json's errors into messages a user can
// act on: where the document is broken, and what kind of value a field
// wants.
package jsonerr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Problem describes what err, returned by decoding the JSON document data
// (which may be nil), found wrong; whole says what the document as a whole
// should be, such as "an object with metric, R and phases".
func Problem(err error, data []byte, whole string) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// Python's json module writes NaN, Infinity and -Infinity.
		rest := data[min(len(data), max(0, int(syntax.Offset)-1)):]
		for _, word := range []string{"NaN", "Infinity", "+Inf", "Inf"} {
			if bytes.HasPrefix(rest, []byte(word)) {
				return fmt.Sprintf("not valid JSON at byte %d: %s is not a JSON number (finite numbers only)", syntax.Offset, word)
			}
		}
		return fmt.Sprintf("not valid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ) && typ.Field == "":
		return fmt.Sprintf("a JSON %s, want %s", typ.Value, whole)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q is a JSON %s, want %s", typ.Field, typ.Value, Kind(typ.Type))
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// Kind names the kind of JSON value that decodes into t.
func Kind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	}
	return "a number"
}
