package spec

import (
	"encoding/json"
	"slices"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// coerceIntegerStrings rewrites, in place, every string of decimal digits
// that sits where the schema allows an integer and nothing that accepts a
// string, into the JSON number it spells. discordgo marshals permission bits
// (`json:"allow,string"`) and default_member_permissions that way, and Discord
// reads them as integers, while the spec types them as integers.
//
// Why a pre-pass over the schema and not "validate, coerce where it failed,
// validate again": inside anyOf/oneOf the failing branches report type errors
// too, so error-driven coercion would also rewrite strings that the matching
// branch needed as strings (snowflakes are strings). Here every branch of
// anyOf/oneOf/allOf and every $ref is a candidate for a location, and a
// string is rewritten only when no candidate could accept a string there, so
// whichever branch matched before still matches. (In theory a oneOf could
// then see a second branch match too; the spec's oneOfs are told apart by
// a "type" const or by null, so none does.)
//
// It returns the possibly replaced root.
func coerceIntegerStrings(instance any, root *jsonschema.Schema) any {
	return coerceAt(instance, candidates(nil, root))
}

func coerceAt(instance any, schemas []*jsonschema.Schema) any {
	if len(schemas) == 0 {
		return instance
	}
	switch v := instance.(type) {
	case string:
		if isIntegerString(v) && allowsInteger(schemas) && !allowsString(schemas) {
			return json.Number(v)
		}
	case map[string]any:
		for key, child := range v {
			v[key] = coerceAt(child, propertySchemas(schemas, key))
		}
	case []any:
		for i, child := range v {
			v[i] = coerceAt(child, itemSchemas(schemas, i))
		}
	}
	return instance
}

// candidates appends s and every schema reachable from it through $ref,
// allOf, anyOf and oneOf: all the schemas that may judge the same instance.
func candidates(into []*jsonschema.Schema, s *jsonschema.Schema) []*jsonschema.Schema {
	if s == nil || slices.Contains(into, s) {
		return into // the spec's refs are recursive (components in components)
	}
	into = append(into, s)
	into = candidates(into, s.Ref)
	for _, group := range [][]*jsonschema.Schema{s.AllOf, s.AnyOf, s.OneOf} {
		for _, sub := range group {
			into = candidates(into, sub)
		}
	}
	return into
}

func propertySchemas(schemas []*jsonschema.Schema, key string) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, s := range schemas {
		if p, ok := s.Properties[key]; ok {
			out = candidates(out, p)
			continue
		}
		matched := false
		for re, p := range s.PatternProperties {
			if re.MatchString(key) {
				out = candidates(out, p)
				matched = true
			}
		}
		if ap, ok := s.AdditionalProperties.(*jsonschema.Schema); ok && !matched {
			out = candidates(out, ap)
		}
	}
	return out
}

func itemSchemas(schemas []*jsonschema.Schema, i int) []*jsonschema.Schema {
	var out []*jsonschema.Schema
	for _, s := range schemas {
		switch {
		case i < len(s.PrefixItems):
			out = candidates(out, s.PrefixItems[i])
		case s.Items2020 != nil:
			out = candidates(out, s.Items2020)
		}
	}
	return out
}

// Type masks, built through the library's own parser because its bit
// constants are unexported; checking a bit beats Types.ToStrings, which
// allocates, on every node of every request.
var (
	numericTypes = typeMask("integer", "number")
	stringType   = typeMask("string")
)

func typeMask(names ...string) jsonschema.Types {
	var t jsonschema.Types
	for _, n := range names {
		t.Add(n)
	}
	return t
}

func hasType(t *jsonschema.Types, mask jsonschema.Types) bool {
	return int(*t)&int(mask) != 0
}

func allowsInteger(schemas []*jsonschema.Schema) bool {
	for _, s := range schemas {
		if s.Types != nil && hasType(s.Types, numericTypes) {
			return true
		}
	}
	return false
}

// allowsString reports whether any candidate might accept a string: it says
// so in "type", or it constrains nothing about type at all (no "type", no
// composition to defer to, no non-string enum or const).
func allowsString(schemas []*jsonschema.Schema) bool {
	for _, s := range schemas {
		switch {
		case s.Types != nil:
			if hasType(s.Types, stringType) {
				return true
			}
		case s.Ref != nil || len(s.AllOf) > 0 || len(s.AnyOf) > 0 || len(s.OneOf) > 0:
			// judged by the schemas it points to, which are candidates too
		case s.Const != nil:
			if _, ok := (*s.Const).(string); ok {
				return true
			}
		case s.Enum != nil:
			for _, e := range s.Enum.Values {
				if _, ok := e.(string); ok {
					return true
				}
			}
		default:
			if s.Bool == nil || *s.Bool {
				return true
			}
		}
	}
	return false
}

func isIntegerString(s string) bool {
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
