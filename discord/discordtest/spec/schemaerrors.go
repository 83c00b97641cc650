package spec

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// addSchemaErrors translates a jsonschema failure into Discord's field errors.
//
// The jsonschema error is a tree: keyword groups and $refs wrap the leaf
// failures, and a failed anyOf/oneOf holds one subtree per branch. Discord
// reports only the fields that are wrong, so for a failed anyOf/oneOf this
// keeps the branch that got furthest (see pickBranch) and drops the others.
func addSchemaErrors(f *formErrors, err error, instance any) {
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		f.add(nil, "BASE_TYPE_INVALID", err.Error())
		return
	}
	collectLeaves(f, verr, instance)
}

func collectLeaves(f *formErrors, e *jsonschema.ValidationError, instance any) {
	switch k := e.ErrorKind.(type) {
	case *kind.AnyOf:
		collectBranches(f, e, instance)
		return
	case *kind.OneOf:
		if len(k.Subschemas) > 0 { // more than one branch matched
			f.add(e.InstanceLocation, "BASE_TYPE_INVALID", "Value matches more than one allowed form.")
			return
		}
		collectBranches(f, e, instance)
		return
	case *kind.Required:
		for _, missing := range k.Missing {
			f.add(append(e.InstanceLocation[:len(e.InstanceLocation):len(e.InstanceLocation)], missing),
				"BASE_TYPE_REQUIRED", "This field is required")
		}
		return
	}
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectLeaves(f, c, instance)
		}
		return
	}
	code, msg := discordMessage(e.ErrorKind, valueAt(instance, e.InstanceLocation))
	f.add(e.InstanceLocation, code, msg)
}

// collectBranches reports a failed anyOf/oneOf: an enumeration lists its
// values; alternatives that all failed on the same discriminator (the
// "type" of a component, a callback, a command option) list every value the
// discriminator could have had; otherwise the most telling branch speaks.
func collectBranches(f *formErrors, e *jsonschema.ValidationError, instance any) {
	if values, ok := allChoices(e); ok {
		f.add(e.InstanceLocation, "BASE_TYPE_CHOICES", "Value must be one of "+choices(values)+".")
		return
	}
	if path, values, ok := discriminatorChoices(e); ok {
		f.add(path, "BASE_TYPE_CHOICES", "Value must be one of "+choices(values)+".")
		return
	}
	if b := pickBranch(e.Causes); b != nil {
		collectLeaves(f, b, instance)
	}
}

// discriminatorChoices finds a property directly under the failed location
// on which every non-null branch failed a const or enum, and collects the
// values those branches wanted there.
func discriminatorChoices(e *jsonschema.ValidationError) ([]string, []any, bool) {
	base := len(e.InstanceLocation)
	var key string
	var values []any
	for _, b := range e.Causes {
		if rank, _ := branchRank(b); rank == rankOnlyNull {
			continue
		}
		found := false
		for _, l := range leafErrors(b, nil) {
			if len(l.InstanceLocation) != base+1 || (key != "" && l.InstanceLocation[base] != key) {
				continue
			}
			switch k := l.ErrorKind.(type) {
			case *kind.Const:
				values = appendNew(values, k.Want)
			case *kind.Enum:
				values = appendNew(values, k.Want...)
			default:
				continue
			}
			key, found = l.InstanceLocation[base], true
		}
		if !found {
			return nil, nil, false
		}
	}
	if key == "" {
		return nil, nil, false
	}
	return append(e.InstanceLocation[:base:base], key), values, true
}

// appendNew appends the values not already present, comparing their JSON
// spelling (numbers arrive as json.Number).
func appendNew(list []any, values ...any) []any {
	for _, v := range values {
		dup := false
		for _, have := range list {
			if fmt.Sprint(have) == fmt.Sprint(v) {
				dup = true
				break
			}
		}
		if !dup {
			list = append(list, v)
		}
	}
	return list
}

// pickBranch chooses the alternative whose failure says most about the
// body. Worst is a branch that only wanted null (the spec spells "optional"
// as oneOf [null, X]); next, branches that failed on a discriminator (a const
// or enum, e.g. a component's "type") or on the instance's own type; best,
// branches that matched and failed deeper inside. Among equals the deepest
// failure wins, then the first branch.
func pickBranch(branches []*jsonschema.ValidationError) *jsonschema.ValidationError {
	var best *jsonschema.ValidationError
	bestRank, bestDepth := -1, -1
	for _, b := range branches {
		rank, depth := branchRank(b)
		if rank > bestRank || (rank == bestRank && depth > bestDepth) {
			best, bestRank, bestDepth = b, rank, depth
		}
	}
	return best
}

const (
	rankOnlyNull = iota
	rankMismatch
	rankMatched
)

func branchRank(b *jsonschema.ValidationError) (rank, depth int) {
	if t, ok := b.ErrorKind.(*kind.Type); ok && len(b.Causes) == 0 && len(t.Want) == 1 && t.Want[0] == "null" {
		return rankOnlyNull, len(b.InstanceLocation)
	}
	mismatch, depth := branchShape(b, len(b.InstanceLocation))
	if mismatch {
		return rankMismatch, depth
	}
	return rankMatched, depth
}

// branchShape reports whether a branch failed because the instance is not of
// the branch's kind at all, and the depth of its deepest failure.
func branchShape(e *jsonschema.ValidationError, base int) (mismatch bool, depth int) {
	depth = len(e.InstanceLocation)
	switch e.ErrorKind.(type) {
	case *kind.Const, *kind.Enum:
		if len(e.InstanceLocation) <= base+1 {
			mismatch = true
		}
	case *kind.Type:
		if len(e.InstanceLocation) == base {
			mismatch = true
		}
	}
	for _, c := range e.Causes {
		m, d := branchShape(c, base)
		mismatch = mismatch || m
		depth = max(depth, d)
	}
	return mismatch, depth
}

// allChoices recognises an enumeration spelled as anyOf/oneOf of consts (the
// spec's style for enums with documented members) failing at one location,
// and returns every allowed value so the error can list them like Discord.
// Branches that only wanted null are skipped: they make the field optional.
func allChoices(e *jsonschema.ValidationError) ([]any, bool) {
	var values []any
	for _, b := range e.Causes {
		if rank, _ := branchRank(b); rank == rankOnlyNull {
			continue
		}
		leaves := leafErrors(b, nil)
		if len(leaves) == 0 {
			return nil, false
		}
		for _, l := range leaves {
			if len(l.InstanceLocation) != len(e.InstanceLocation) {
				return nil, false
			}
			switch k := l.ErrorKind.(type) {
			case *kind.Const:
				values = appendNew(values, k.Want)
			case *kind.Enum:
				values = appendNew(values, k.Want...)
			default:
				return nil, false
			}
		}
	}
	return values, len(values) > 0
}

// leafErrors flattens an error tree to its leaves, following every branch.
func leafErrors(e *jsonschema.ValidationError, into []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return append(into, e)
	}
	for _, c := range e.Causes {
		into = leafErrors(c, into)
	}
	return into
}

// snowflakePattern is the spec's SnowflakeType pattern.
const snowflakePattern = "^(0|[1-9][0-9]*)$"

var english = message.NewPrinter(language.English)

// discordMessage words one failed keyword the way Discord does for the same
// rule (codes from Discord's "Invalid Form Body" answers).
func discordMessage(k jsonschema.ErrorKind, value any) (code, msg string) {
	switch k := k.(type) {
	case *kind.MaxLength:
		return "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", k.Want)
	case *kind.MinLength:
		return "BASE_TYPE_MIN_LENGTH", fmt.Sprintf("Must be %d or more in length.", k.Want)
	case *kind.MaxItems:
		return "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", k.Want)
	case *kind.MinItems:
		return "BASE_TYPE_MIN_LENGTH", fmt.Sprintf("Must be %d or more in length.", k.Want)
	case *kind.Maximum:
		return "NUMBER_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %s.", k.Want.RatString())
	case *kind.Minimum:
		return "NUMBER_TYPE_MIN", fmt.Sprintf("int value should be greater than or equal to %s.", k.Want.RatString())
	case *kind.Pattern:
		if k.Want == snowflakePattern {
			return "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not snowflake.", k.Got)
		}
		return "STRING_TYPE_REGEX", fmt.Sprintf("String value did not match validation regex %s.", k.Want)
	case *kind.Enum:
		return "BASE_TYPE_CHOICES", "Value must be one of " + choices(k.Want) + "."
	case *kind.Const:
		return "BASE_TYPE_CHOICES", "Value must be one of " + choices([]any{k.Want}) + "."
	case *kind.Type:
		return typeMessage(k, value)
	}
	return "BASE_TYPE_INVALID", k.LocalizedString(english)
}

func typeMessage(k *kind.Type, value any) (code, msg string) {
	if k.Got == "null" {
		return "BASE_TYPE_REQUIRED", "This field is required"
	}
	for _, want := range k.Want {
		switch want {
		case "integer", "number":
			return "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", fmt.Sprint(value))
		case "string":
			return "STRING_TYPE_CONVERT", "Could not interpret value as string."
		case "boolean":
			return "BOOLEAN_TYPE_CONVERT", fmt.Sprintf("Could not interpret %q as boolean.", fmt.Sprint(value))
		case "array":
			return "LIST_TYPE_CONVERT", "Only iterables may be used in a ListType"
		case "object":
			return "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"
		}
	}
	return "BASE_TYPE_INVALID", k.LocalizedString(english)
}

// choices spells allowed values like Discord: ('a', 'b') or (1, 2), numbers
// in ascending order (the spec lists them in no particular order).
func choices(values []any) string {
	numbers := make([]int64, 0, len(values))
	for _, v := range values {
		if _, isString := v.(string); isString {
			break
		}
		if n, ok := integer(v); ok {
			numbers = append(numbers, n)
		}
	}
	if len(numbers) == len(values) {
		slices.Sort(numbers)
		values = make([]any, len(numbers))
		for i, n := range numbers {
			values[i] = n
		}
	}
	parts := make([]string, len(values))
	for i, v := range values {
		if s, ok := v.(string); ok {
			parts[i] = "'" + s + "'"
		} else {
			parts[i] = fmt.Sprint(v)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// valueAt follows a JSON path through a decoded instance.
func valueAt(instance any, path []string) any {
	for _, key := range path {
		switch v := instance.(type) {
		case map[string]any:
			instance = v[key]
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			instance = v[i]
		default:
			return nil
		}
	}
	return instance
}
