package spec

// repairSpec fixes, in the parsed document, what in the spec is plainly a
// generator slip rather than a rule of Discord's, before anything compiles.
//
// The one known slip: `"enum": []` beside an allOf that references the real
// enumeration (the "action" of PATCH /guilds/{guild_id}/requests/{request_id}
// and a query parameter of GET /guilds/{guild_id}/requests). An empty enum
// admits no value at all, so read literally the operation could never be
// called; dropping it leaves the referenced values in charge.
func repairSpec(node any) {
	switch n := node.(type) {
	case map[string]any:
		if enum, ok := n["enum"].([]any); ok && len(enum) == 0 && n["allOf"] != nil {
			delete(n, "enum")
		}
		for _, child := range n {
			repairSpec(child)
		}
	case []any:
		for _, child := range n {
			repairSpec(child)
		}
	}
}
