package workshop

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParseCurriculum parses the shipped design-thinking curriculum,
// the largest file a host is likely to load; it reports bytes per second
// of TOML as well as ns/op and allocations.
func BenchmarkParseCurriculum(b *testing.B) {
	src, err := os.ReadFile(filepath.Join("..", "curricula", "design-thinking.toml"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		c, diags := ParseCurriculum("design-thinking.toml", src)
		if c == nil || len(diags) != 0 {
			b.Fatalf("parse failed: %v", diags)
		}
	}
}
