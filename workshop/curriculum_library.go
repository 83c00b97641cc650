package workshop

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
)

// Library is a set of loaded curricula with unique ids. It is read-only
// after LoadLibrary, so it is safe to share between goroutines.
type Library struct {
	byID map[string]*Curriculum
}

// LoadLibrary loads every *.toml file at the top of each source, in order.
// A file with errors is left out and its diagnostics returned; a curriculum
// whose id was already loaded is an error at its id line. The library holds
// every curriculum that loaded, even when others failed.
func LoadLibrary(sources ...fs.FS) (*Library, Diagnostics) {
	lib := &Library{byID: map[string]*Curriculum{}}
	var diags Diagnostics
	for _, fsys := range sources {
		entries, err := fs.ReadDir(fsys, ".")
		if err != nil {
			diags = append(diags, Diagnostic{Pos: Pos{File: ".", Line: 1, Col: 1}, Message: fmt.Sprintf("cannot list curricula: %v", err)})
			continue
		}
		for _, e := range entries {
			if e.IsDir() || path.Ext(e.Name()) != ".toml" {
				continue
			}
			src, err := fs.ReadFile(fsys, e.Name())
			if err != nil {
				diags = append(diags, Diagnostic{Pos: Pos{File: e.Name(), Line: 1, Col: 1}, Message: fmt.Sprintf("cannot read: %v", err)})
				continue
			}
			c, ds := ParseCurriculum(e.Name(), src)
			diags = append(diags, ds...)
			if c == nil {
				continue
			}
			if first, dup := lib.byID[c.ID]; dup {
				diags = append(diags, Diagnostic{
					Pos:      idPos(c),
					Severity: SeverityError,
					Message:  fmt.Sprintf("duplicate curriculum id %q: already loaded from %s", c.ID, idPos(first)),
				})
				continue
			}
			lib.byID[c.ID] = c
		}
	}
	diags.sort()
	return lib, diags
}

// LoadCurriculumFile reads and parses one curriculum file from disk; the
// diagnostics name it by path.
func LoadCurriculumFile(path string) (*Curriculum, Diagnostics) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, Diagnostics{{Pos: Pos{File: path, Line: 1, Col: 1}, Message: fmt.Sprintf("cannot read: %v", err)}}
	}
	return ParseCurriculum(path, src)
}

// idPos is where a loaded curriculum's id key is written.
func idPos(c *Curriculum) Pos { return scanKeyPositions(c.File, c.Source).at(c.File, "id") }

// Get returns the curriculum with the given id, or an ENOTFOUND *Error that
// lists the ids there are.
func (l *Library) Get(id string) (*Curriculum, error) {
	if c, ok := l.byID[id]; ok {
		return c, nil
	}
	ids := make([]string, 0, len(l.byID))
	for _, c := range l.List() {
		ids = append(ids, c.ID)
	}
	if len(ids) == 0 {
		return nil, Errorf(ENOTFOUND, "No curriculum %q: no curricula are loaded.", id)
	}
	return nil, Errorf(ENOTFOUND, "No curriculum %q. Available: %s.", id, strings.Join(ids, ", "))
}

// List returns every curriculum, sorted by id.
func (l *Library) List() []*Curriculum {
	out := make([]*Curriculum, 0, len(l.byID))
	for _, c := range l.byID {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *Curriculum) int { return strings.Compare(a.ID, b.ID) })
	return out
}
