package spec

import "fmt"

// Component types (components-reference.mdx).
const (
	componentActionRow = 1
	componentButton    = 2
	componentTextInput = 4
	componentLabel     = 18
)

// Limits from components-reference.mdx and
// interactions-receiving-and-responding.mdx ("Modal").
const (
	maxActionRows      = 5
	maxRowWidth        = 5 // a button takes 1, a select menu the whole row
	maxCustomID        = 100
	maxButtonLabel     = 80
	maxSelectHolder    = 150
	maxModalTitle      = 45
	maxModalRows       = 5
	maxTextInputLabel  = 45
	maxTextInputValue  = 4000
	maxTextInputHolder = 100
	maxLabelText       = 45
)

func isSelect(t int64) bool { return t == 3 || (t >= 5 && t <= 8) }

// checkMessageComponents applies the classic layout (at most five action
// rows, each at most five wide) unless the message opted into components v2,
// and the per-component limits either way.
func checkMessageComponents(f *formErrors, path []string, components []any, v2 bool) {
	if !v2 {
		maxItems(f, path, components, maxActionRows)
		for i, c := range components {
			row, ok := c.(map[string]any)
			if !ok {
				continue
			}
			if t, _ := integer(row["type"]); t == componentActionRow {
				children, _ := row["components"].([]any)
				checkRowWidth(f, at(path, index(i), "components"), children)
			}
		}
	}
	checkComponents(f, path, components)
}

func checkRowWidth(f *formErrors, path []string, children []any) {
	width := 0
	for _, c := range children {
		child, _ := c.(map[string]any)
		t, _ := integer(child["type"])
		if isSelect(t) || t == componentTextInput {
			width += maxRowWidth
		} else {
			width++
		}
	}
	if width > maxRowWidth {
		f.add(path, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
	}
}

// checkModal applies the modal limits: a title of 1-45 characters and one to
// five rows.
func checkModal(f *formErrors, path []string, modal map[string]any) {
	if modal == nil {
		return
	}
	lengthBetween(f, at(path, "title"), runes(modal["title"]), 1, maxModalTitle)
	maxLength(f, at(path, "custom_id"), modal["custom_id"], maxCustomID)
	rows, _ := modal["components"].([]any)
	lengthBetween(f, at(path, "components"), len(rows), 1, maxModalRows)
	checkComponents(f, at(path, "components"), rows)
}

// checkComponents walks a component tree (rows, sections, labels,
// containers) applying each kind's field limits.
func checkComponents(f *formErrors, path []string, components []any) {
	for i, c := range components {
		comp, ok := c.(map[string]any)
		if !ok {
			continue
		}
		p := at(path, index(i))
		checkComponent(f, p, comp)
		if children, ok := comp["components"].([]any); ok {
			checkComponents(f, at(p, "components"), children)
		}
		for _, single := range []string{"component", "accessory"} {
			if child, ok := comp[single].(map[string]any); ok {
				checkComponent(f, at(p, single), child)
			}
		}
	}
}

func checkComponent(f *formErrors, path []string, comp map[string]any) {
	t, _ := integer(comp["type"])
	switch {
	case t == componentButton:
		checkButtonTarget(f, path, comp)
		maxLength(f, at(path, "custom_id"), comp["custom_id"], maxCustomID)
		maxLength(f, at(path, "label"), comp["label"], maxButtonLabel)
	case isSelect(t):
		maxLength(f, at(path, "custom_id"), comp["custom_id"], maxCustomID)
		maxLength(f, at(path, "placeholder"), comp["placeholder"], maxSelectHolder)
	case t == componentTextInput:
		maxLength(f, at(path, "custom_id"), comp["custom_id"], maxCustomID)
		maxLength(f, at(path, "label"), comp["label"], maxTextInputLabel)
		maxLength(f, at(path, "value"), comp["value"], maxTextInputValue)
		maxLength(f, at(path, "placeholder"), comp["placeholder"], maxTextInputHolder)
		intBetween(f, at(path, "min_length"), comp["min_length"], 0, maxTextInputValue)
		intBetween(f, at(path, "max_length"), comp["max_length"], 1, maxTextInputValue)
	case t == componentLabel:
		maxLength(f, at(path, "label"), comp["label"], maxLabelText)
	}
}

// intBetween checks an optional integer field.
func intBetween(f *formErrors, path []string, v any, lo, hi int64) {
	n, ok := integer(v)
	switch {
	case !ok:
	case n < lo:
		f.add(path, "NUMBER_TYPE_MIN", fmt.Sprintf("int value should be greater than or equal to %d.", lo))
	case n > hi:
		f.add(path, "NUMBER_TYPE_MAX", fmt.Sprintf("int value should be less than or equal to %d.", hi))
	}
}

// Button styles (components-reference.mdx "Button Styles"): link buttons
// carry a url, premium buttons a sku_id, all others a custom_id.
const (
	buttonStyleLink    = 5
	buttonStylePremium = 6
)

// checkButtonTarget requires the one field a button's style needs; the spec
// leaves every one of them optional.
func checkButtonTarget(f *formErrors, path []string, comp map[string]any) {
	style, _ := integer(comp["style"])
	need := "custom_id"
	switch style {
	case buttonStyleLink:
		need = "url"
	case buttonStylePremium:
		need = "sku_id"
	}
	if s, _ := comp[need].(string); s == "" {
		f.add(at(path, need), "BASE_TYPE_REQUIRED", "This field is required")
	}
}
