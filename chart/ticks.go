package chart

// maxAxisCount is far above any real community's daily check-ins.
const maxAxisCount = 1_000_000_000

// countAxis picks the top of a value axis for counts up to maxCount and how
// many labels to put on it, so that every label is a whole number: the axis
// runs 0, step, 2*step, ... top with step 1, 2 or 5 times a power of ten, and
// at most maxTicks labels. top is strictly above maxCount, which leaves room
// for the count printed over the tallest bar. Counts beyond maxAxisCount are
// treated as maxAxisCount so the step search cannot overflow.
func countAxis(maxCount, maxTicks int) (top, labels int) {
	maxCount = min(max(maxCount, 0), maxAxisCount)
	maxTicks = max(maxTicks, 2)
	for magnitude := 1; ; magnitude *= 10 {
		for _, m := range [...]int{1, 2, 5} {
			step := m * magnitude
			intervals := maxCount/step + 1
			if intervals+1 <= maxTicks {
				return intervals * step, intervals + 1
			}
		}
	}
}
