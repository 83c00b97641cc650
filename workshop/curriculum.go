package workshop

import "time"

// The curriculum format (version 1) is the contract in the README. Where it
// is silent, these choices hold, and the parser's messages explain them:
//
//   - grouping defaults to "mixed-experience": peer learning works best when
//     groups mix experience on purpose;
//   - the intro's prompt is optional, and only {minutes} is replaced in it;
//   - deliverable is for breakout and solo steps only (nobody submits in a
//     plenary or a break), at most 300 characters;
//   - the step id "intro" is reserved for the intro in timelines;
//   - warn reminders must be positive and shorter than the step;
//   - lint (warnings) runs only on a file without errors; the intro counts as
//     plenary for the plenary-stretch rule, and a break ends a stretch;
//   - lengths are counted in characters (runes), columns in bytes.

// Curriculum is one loaded, validated curriculum file (format version 1, see
// the README). A *Curriculum returned by ParseCurriculum or a Library is
// complete: every default is resolved and every rule of the format holds, so
// the runner can trust it without checking again.
type Curriculum struct {
	ID        string      // unique among loaded curricula; ^[a-z0-9][a-z0-9-]{0,31}$
	Title     string      // 1-100 characters
	Summary   string      // at most 300 characters; may be empty
	Tags      []string    // free-form labels for lists; may be empty
	GroupSize int         // default group size of breakout steps (2-25)
	Grouping  Grouping    // how the bot forms breakout groups
	Rooms     RoomPrivacy // who can see a breakout room
	Intro     Intro       // the plenary opening, always first
	Steps     []Step      // one or more, run in order after the intro

	Source []byte // the raw TOML the curriculum was parsed from
	Hash   string // hex SHA-256 of Source: identifies the exact version a run used
	File   string // the name the curriculum was loaded under, used in diagnostics
}

// Intro is the short plenary opening every run starts with.
type Intro struct {
	Duration time.Duration
	Prompt   string // Markdown; may be empty
	Pos      Pos    // the [intro] header
}

// Step is one part of the run after the intro.
type Step struct {
	ID          string
	Title       string
	Mode        Mode
	Duration    time.Duration
	Prompt      string          // Markdown with {group}, {role}, {next_role}, {minutes}; empty only for a break
	Rounds      int             // at least 1; a breakout step splits its duration into equal rounds
	Roles       []string        // breakout only: rotated among each group's members every round
	Warn        []time.Duration // reminders, as time left before the step ends, earliest reminder first
	Deliverable string          // what each group (breakout) or participant (solo) submits; may be empty
	GroupSize   int             // breakout: the effective group size (the curriculum's default if unset); 0 otherwise
	Regroup     bool            // breakout: form new groups instead of keeping the previous breakout's
	Pos         Pos             // the [[step]] header, for messages about the step as a whole
}

// RoundDuration is how long one round of the step lasts.
func (s Step) RoundDuration() time.Duration {
	if s.Rounds < 1 {
		return s.Duration
	}
	return s.Duration / time.Duration(s.Rounds)
}

// Mode says how participants work during a step.
type Mode string

// The modes of a step.
const (
	ModeBreakout Mode = "breakout" // small groups, each in its own temporary voice and text room
	ModeSolo     Mode = "solo"     // everyone alone; the prompt goes to the main workshop channel
	ModePlenary  Mode = "plenary"  // everyone together in the main channels; groups are recalled
	ModeBreak    Mode = "break"    // nobody is asked for anything
)

// Modes lists every valid Mode, in the order the format documents them.
func Modes() []Mode { return []Mode{ModeBreakout, ModeSolo, ModePlenary, ModeBreak} }

// Grouping says how the bot forms breakout groups.
type Grouping string

// The ways of forming groups.
const (
	GroupingRandom Grouping = "random"
	// GroupingMixed spreads experience levels across groups so that people
	// teach each other. It is the default: peer learning works best when
	// groups mix experience on purpose. Members whose experience is unknown
	// are placed as with GroupingRandom.
	GroupingMixed Grouping = "mixed-experience"
	GroupingSame  Grouping = "same-experience" // people of similar experience work together
	GroupingSelf  Grouping = "self-select"     // members pick their own group
)

// Groupings lists every valid Grouping.
func Groupings() []Grouping {
	return []Grouping{GroupingRandom, GroupingMixed, GroupingSame, GroupingSelf}
}

// RoomPrivacy says who can see a breakout group's rooms.
type RoomPrivacy string

// The room privacy settings.
const (
	RoomsPrivate RoomPrivacy = "private" // only the group, the hosts and the bot
	RoomsOpen    RoomPrivacy = "open"    // every workshop participant
)

// RoomPrivacies lists every valid RoomPrivacy.
func RoomPrivacies() []RoomPrivacy { return []RoomPrivacy{RoomsPrivate, RoomsOpen} }

// Limits and defaults of the curriculum format.
const (
	DefaultGroupSize = 4
	DefaultGrouping  = GroupingMixed
	DefaultRooms     = RoomsPrivate

	MinGroupSize = 2
	MaxGroupSize = 25

	MaxIDLen          = 32
	MaxTitleLen       = 100
	MaxSummaryLen     = 300
	MaxDeliverableLen = 300

	MinStepDuration  = 10 * time.Second
	MaxStepDuration  = 4 * time.Hour
	MaxTotalDuration = 8 * time.Hour

	// DefaultWarnFrom is the shortest step that gets the default reminder
	// (DefaultWarn before its end) when it sets no warn list itself.
	DefaultWarnFrom = 3 * time.Minute
	DefaultWarn     = time.Minute
)
