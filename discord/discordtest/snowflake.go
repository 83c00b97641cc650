package discordtest

import (
	"strconv"
	"time"
)

// discordEpoch is the first millisecond of 2015, the zero of Discord snowflakes.
const discordEpoch = 1420070400000

// snowflakes hands out strictly increasing IDs shaped like Discord's:
// milliseconds since the Discord epoch in the top 42 bits, so an ID also
// tells when its object was created.
type snowflakes struct {
	last uint64
}

func (g *snowflakes) next(now time.Time) string {
	id := uint64(max(now.UnixMilli()-discordEpoch, 0)) << 22
	if id <= g.last {
		id = g.last + 1
	}
	g.last = id
	return strconv.FormatUint(id, 10)
}
