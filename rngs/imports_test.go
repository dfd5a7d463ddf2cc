package rngs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestNoGlobalRandomness enforces the determinism contract over the whole
// module: no file imports math/rand (v1), no call uses math/rand/v2's
// package-level generator, and no seed is taken from the clock.
func TestNoGlobalRandomness(t *testing.T) {
	// Package-level functions of math/rand/v2 that draw from the global,
	// randomly seeded source.
	global := map[string]bool{
		"Int": true, "IntN": true, "Int32": true, "Int32N": true, "Int64": true, "Int64N": true,
		"Uint": true, "UintN": true, "Uint32": true, "Uint32N": true, "Uint64": true, "Uint64N": true,
		"Float32": true, "Float64": true, "NormFloat64": true, "ExpFloat64": true,
		"Perm": true, "Shuffle": true, "N": true,
	}
	files := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != ".." && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		files++
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		randName := ""
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			switch p {
			case "math/rand":
				t.Errorf("%s imports math/rand (v1); use math/rand/v2 with an explicit source", fset.Position(imp.Pos()))
			case "math/rand/v2":
				randName = "rand"
				if imp.Name != nil {
					randName = imp.Name.Name
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok {
				return true
			}
			if randName != "" && pkg.Name == randName && global[sel.Sel.Name] {
				t.Errorf("%s calls the global rand.%s; draw from a *rand.Rand made by package rngs", fset.Position(call.Pos()), sel.Sel.Name)
			}
			// A seed from the clock: time.Now inside the arguments of a
			// source constructor or a Seed method.
			if name := sel.Sel.Name; name == "NewPCG" || name == "NewChaCha8" || name == "Seed" || name == "NewSource" {
				ast.Inspect(call, func(m ast.Node) bool {
					if s, ok := m.(*ast.SelectorExpr); ok && s.Sel.Name == "Now" {
						if id, ok := s.X.(*ast.Ident); ok && id.Name == "time" {
							t.Errorf("%s seeds a random source from time.Now", fset.Position(s.Pos()))
						}
					}
					return true
				})
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 20 {
		t.Fatalf("scanned %d Go files; want the whole module", files)
	}
}
