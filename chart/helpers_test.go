package chart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"

	"github.com/go-analyze/charts"
)

// decodePNG fails the test unless b is a PNG of the given size.
func decodePNG(t *testing.T, b []byte, width, height int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("output is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got != image.Pt(width, height) {
		t.Fatalf("image is %v, want %dx%d", got, width, height)
	}
	return img
}

func decodeAny(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }

// rgb drops alpha (every pixel is opaque on the white background) so colours
// compare with ==.
func rgb(c color.Color) [3]uint8 {
	r, g, b, _ := c.RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)}
}

func chartsRGB(c charts.Color) [3]uint8 { return [3]uint8{c.R, c.G, c.B} }

// countColor counts pixels of exactly colour c.
func countColor(img image.Image, c charts.Color) int {
	want, n := chartsRGB(c), 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if rgb(img.At(x, y)) == want {
				n++
			}
		}
	}
	return n
}
