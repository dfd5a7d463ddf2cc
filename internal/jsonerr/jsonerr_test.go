package jsonerr

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestProblem(t *testing.T) {
	type doc struct {
		N    int       `json:"n"`
		Xs   []float64 `json:"xs"`
		Name string    `json:"name"`
	}
	tests := []struct{ in, want string }{
		{`{"n": "x"}`, `field "n" is a JSON string, want an integer`},
		{`{"xs": {}}`, `field "xs" is a JSON object, want an array`},
		{`[1]`, `a JSON array, want an object with n`},
		{`{"n": NaN}`, `NaN is not a JSON number`},
		{`{"n": 1,}`, `not valid JSON at byte`},
	}
	for _, tt := range tests {
		var d doc
		err := json.Unmarshal([]byte(tt.in), &d)
		if got := Problem(err, []byte(tt.in), "an object with n"); !strings.Contains(got, tt.want) {
			t.Errorf("Problem(%s) = %q; want it to contain %q", tt.in, got, tt.want)
		}
	}
}
