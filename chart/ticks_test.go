package chart

import "testing"

func TestCountAxisHasWholeNiceTicksAboveTheMaximum(t *testing.T) {
	nice := map[int]bool{}
	for p := 1; p <= maxAxisCount; p *= 10 {
		nice[p], nice[2*p], nice[5*p] = true, true, true
	}
	for _, maxCount := range []int{-3, 0, 1, 2, 5, 7, 8, 9, 10, 11, 19, 41, 99, 100, 101, 999, 12345, maxAxisCount, maxAxisCount + 1} {
		top, labels := countAxis(maxCount, 9)
		if labels < 2 || labels > 9 {
			t.Errorf("countAxis(%d): %d labels, want 2..9", maxCount, labels)
			continue
		}
		step := top / (labels - 1)
		if step*(labels-1) != top || !nice[step] {
			t.Errorf("countAxis(%d) = top %d with %d labels: step %d is not 1, 2 or 5 times a power of ten", maxCount, top, labels, step)
		}
		if capped := min(max(maxCount, 0), maxAxisCount); top <= capped || top-step > capped {
			t.Errorf("countAxis(%d) = top %d, step %d: want the first step above %d", maxCount, top, step, capped)
		}
	}
}

func TestCountAxisSmallCountsStepByOne(t *testing.T) {
	if top, labels := countAxis(7, 9); top != 8 || labels != 9 {
		t.Errorf("countAxis(7, 9) = %d, %d; want 8, 9 (0..8 by 1)", top, labels)
	}
	if top, labels := countAxis(41, 9); top != 50 || labels != 6 {
		t.Errorf("countAxis(41, 9) = %d, %d; want 50, 6 (0..50 by 10)", top, labels)
	}
}
