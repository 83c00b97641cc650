package accountability

import (
	"strings"
	"time"

	// Members pick any IANA zone; embedding the database makes LoadZone give
	// the same answers on every host, including minimal containers without
	// /usr/share/zoneinfo.
	_ "time/tzdata"
)

// zoneHelp tells a member how to find a zone name; every zone error ends with it.
const zoneHelp = "Use an IANA zone name such as Europe/Berlin, America/New_York or Asia/Kolkata: " +
	"start typing your city and pick from the suggestions, or find yours at " +
	"https://en.wikipedia.org/wiki/List_of_tz_database_time_zones (the \"TZ identifier\" column)."

// LoadZone turns a member's zone name into a location, or EINVALID with a
// message that says how to find the right name. "Local" is refused: it would
// mean the server's zone, which is nobody's.
func LoadZone(name string) (*time.Location, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, Errorf(EINVALID, "Please give a time zone. %s", zoneHelp)
	}
	if strings.EqualFold(name, "local") {
		return nil, Errorf(EINVALID, "%q is not a time zone. %s", name, zoneHelp)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EINVALID, "Unknown time zone %q. %s", clip(name, 64), zoneHelp)
	}
	return loc, nil
}
