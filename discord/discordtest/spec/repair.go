package spec

import "fmt"

// prepareSpec rewrites the parsed document before anything compiles: it
// repairs a generator slip, and it respells enumerations so they validate
// fast. Neither changes what the spec accepts, except where noted.
func prepareSpec(node any) {
	switch n := node.(type) {
	case map[string]any:
		dropEmptyEnum(n)
		oneOfConstsToEnum(n)
		for _, child := range n {
			prepareSpec(child)
		}
	case []any:
		for _, child := range n {
			prepareSpec(child)
		}
	}
}

// dropEmptyEnum removes `"enum": []` beside an allOf that references the
// real enumeration (the "action" of PATCH /guilds/{guild_id}/requests/
// {request_id} and a query parameter of GET /guilds/{guild_id}/requests).
// An empty enum admits no value at all, so read literally that operation
// could never be called; without it the referenced values decide. This is
// the one place the spec's meaning changes.
func dropEmptyEnum(n map[string]any) {
	if enum, ok := n["enum"].([]any); ok && len(enum) == 0 && n["allOf"] != nil {
		delete(n, "enum")
	}
}

// oneOfConstsToEnum respells the spec's enumerations, a oneOf of
// {"const": v, "title": ..., "description": ...} branches (91 of them, e.g.
// ButtonStyleTypes), as the equivalent "enum": [v...]. oneOf must try every
// branch in a sub-validator to prove exactly one matches, and jsonschema
// compares numbers through math/big, so on a message with components this
// rewrite halves validation time. Equivalent only when the values are
// distinct and the branches say nothing else, which is checked.
func oneOfConstsToEnum(n map[string]any) {
	branches, ok := n["oneOf"].([]any)
	if !ok || len(branches) == 0 || n["enum"] != nil {
		return
	}
	values := make([]any, 0, len(branches))
	seen := make(map[string]bool, len(branches))
	for _, b := range branches {
		branch, ok := b.(map[string]any)
		if !ok {
			return
		}
		v, ok := branch["const"]
		if !ok {
			return
		}
		for key := range branch {
			if key != "const" && key != "title" && key != "description" {
				return
			}
		}
		spelled := fmt.Sprintf("%T:%v", v, v)
		if seen[spelled] {
			return
		}
		seen[spelled] = true
		values = append(values, v)
	}
	delete(n, "oneOf")
	n["enum"] = values
}
