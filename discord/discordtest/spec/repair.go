package spec

import (
	"encoding/json"
	"fmt"
)

// prepareSpec rewrites the parsed document before anything compiles: it
// brings the spec in line with the documentation where they disagree (the
// spec's SOURCE.txt: the documentation wins), repairs a generator slip, and
// respells enumerations so they validate fast.
func prepareSpec(doc any) {
	addForwardReferenceType(doc)
	rewriteSchemas(doc)
}

// addForwardReferenceType adds FORWARD (1) to MessageReferenceType, which
// the spec gives only DEFAULT (0). resources-message.mdx "Message Reference
// Types" documents both, and discordgo v0.29.0 names it
// MessageReferenceTypeForward; without this a forwarded message is refused.
func addForwardReferenceType(doc any) {
	root, _ := doc.(map[string]any)
	components, _ := root["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	refType, _ := schemas["MessageReferenceType"].(map[string]any)
	branches, ok := refType["oneOf"].([]any)
	if !ok {
		return // the spec changed shape; the acceptance test will say so
	}
	for _, b := range branches {
		if branch, _ := b.(map[string]any); fmt.Sprint(branch["const"]) == "1" {
			return // the spec caught up
		}
	}
	refType["oneOf"] = append(branches, map[string]any{
		"title": "FORWARD", "description": "Reference used to point to a message at a point in time", "const": json.Number("1"),
	})
}

// rewriteSchemas applies the per-node rewrites everywhere in the document.
func rewriteSchemas(node any) {
	switch n := node.(type) {
	case map[string]any:
		dropEmptyEnum(n)
		oneOfConstsToEnum(n)
		for _, child := range n {
			rewriteSchemas(child)
		}
	case []any:
		for _, child := range n {
			rewriteSchemas(child)
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
