// Package curricula holds the curricula Roundtable ships with, as TOML files
// embedded in the binary. Load them with workshop.LoadLibrary(curricula.FS);
// hosts can add their own directories beside it.
package curricula

import "embed"

// FS holds every shipped *.toml curriculum at its top level.
//
//go:embed *.toml
var FS embed.FS
