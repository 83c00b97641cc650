package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is everything bot.toml can set. Secrets never live here: the
// Discord token comes only from DISCORD_TOKEN, and DATABASE_URL overrides
// [database] url so a password need not be written to a file.
type Config struct {
	Database DatabaseConfig `toml:"database"`
	Discord  DiscordConfig  `toml:"discord"`
	Workshop WorkshopConfig `toml:"workshop"`
	Log      LogConfig      `toml:"log"`
	Metrics  MetricsConfig  `toml:"metrics"`

	// Source says where the configuration came from, for logs and errors.
	Source string `toml:"-"`
}

// DatabaseConfig says which Postgres to use.
type DatabaseConfig struct {
	URL     string `toml:"url"`      // empty: the embedded default cluster in DataDir
	DataDir string `toml:"data_dir"` // where the embedded cluster lives
}

// DiscordConfig says how to reach Discord.
type DiscordConfig struct {
	APIBase  string   `toml:"api_base"`  // scheme and host of the REST API; the emulator or a proxy
	GuildIDs []string `toml:"guild_ids"` // register commands per guild (instant) instead of globally
}

// WorkshopConfig tunes live workshops.
type WorkshopConfig struct {
	HostRoles     []string `toml:"host_roles"`     // role names or ids whose members may host
	CurriculaDirs []string `toml:"curricula_dirs"` // extra folders of *.toml curricula
	RoomGrace     Duration `toml:"room_grace"`     // how long breakout rooms outlive their run
}

// LogConfig tunes logging.
type LogConfig struct {
	Level  string `toml:"level"`  // debug | info | warn | error
	Format string `toml:"format"` // auto | text | json
}

// MetricsConfig tunes the Prometheus endpoint.
type MetricsConfig struct {
	Listen string `toml:"listen"` // host:port for /metrics; empty turns it off
}

// Duration is a time.Duration written in TOML as a Go duration string ("10m").
type Duration struct{ time.Duration }

// UnmarshalText lets BurntSushi/toml decode "10m" into a Duration.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("not a duration (write it like \"90s\", \"10m\" or \"1h30m\"): %q", text)
	}
	if v < 0 {
		return fmt.Errorf("must not be negative: %q", text)
	}
	d.Duration = v
	return nil
}

// MarshalText writes a Duration back as a Go duration string.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// DefaultConfig is the configuration used when no file is found; every key a
// file omits keeps the value given here.
func DefaultConfig() Config {
	return Config{
		Database: DatabaseConfig{DataDir: "data"},
		Discord:  DiscordConfig{APIBase: "https://discord.com"},
		Workshop: WorkshopConfig{RoomGrace: Duration{10 * time.Minute}},
		Log:      LogConfig{Level: "info", Format: "auto"},
		Source:   "built-in defaults",
	}
}

// configFileEnv names the environment variable that points at a config file.
const configFileEnv = "ROUNDTABLE_CONFIG"

// LoadConfig finds and reads the configuration: the file given by -config,
// else $ROUNDTABLE_CONFIG, else ./bot.toml, else the built-in defaults. Then
// the environment's DATABASE_URL overrides [database] url.
func LoadConfig(flagPath string, getenv func(string) string) (Config, error) {
	path, explicit := flagPath, flagPath != ""
	if !explicit {
		if p := getenv(configFileEnv); p != "" {
			path, explicit = p, true
		} else {
			path = "bot.toml"
		}
	}
	cfg := DefaultConfig()
	src, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := decodeConfig(path, src, &cfg); err != nil {
			return Config{}, err
		}
		cfg.Source = path
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		// No ./bot.toml: the defaults are a working configuration.
	default:
		return Config{}, fmt.Errorf("reading config: %w", err)
	}
	if u := getenv("DATABASE_URL"); u != "" {
		cfg.Database.URL = u
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("%s: %w", cfg.Source, err)
	}
	return cfg, nil
}

// decodeConfig decodes src over the defaults in cfg and refuses unknown keys,
// naming the key and its line: a typo must not silently fall back to a default.
func decodeConfig(path string, src []byte, cfg *Config) error {
	md, err := toml.Decode(string(src), cfg)
	if err != nil {
		var perr toml.ParseError
		if errors.As(err, &perr) {
			where := ""
			if perr.LastKey != "" {
				where = fmt.Sprintf("%q: ", perr.LastKey)
			}
			return fmt.Errorf("%s:%d:%d: %s%s", path, perr.Position.Line, perr.Position.Col, where, perr.Message)
		}
		return fmt.Errorf("%s: %w", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		var msgs []string
		for _, key := range undecoded {
			line := keyLine(src, key)
			msgs = append(msgs, fmt.Sprintf("%s:%d: unknown key %q (see bot.toml in the repository for every key)", path, line, key.String()))
		}
		return errors.New(strings.Join(msgs, "\n"))
	}
	return nil
}

// keyLine finds the line on which a dotted key of a config file is defined.
// BurntSushi/toml does not expose key positions, and the config file is two
// levels deep at most, so a scan for the table header then the key is enough.
// It returns 1 when the key cannot be found, so a message always has a line.
func keyLine(src []byte, key toml.Key) int {
	table, name := "", key[len(key)-1]
	if len(key) > 1 {
		table = strings.Join(key[:len(key)-1], ".")
	}
	current := ""
	for i, raw := range strings.Split(string(src), "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "[") {
			header := strings.Trim(strings.SplitN(line, "#", 2)[0], "[] \t")
			if current = header; len(key) == 1 && header == name {
				return i + 1
			}
			continue
		}
		k, _, ok := strings.Cut(line, "=")
		if ok && current == table && strings.Trim(strings.TrimSpace(k), `"'`) == name {
			return i + 1
		}
	}
	return 1
}

// Validate checks values that decode but make no sense.
func (c Config) Validate() error {
	switch strings.ToLower(c.Log.Level) {
	case "debug", "info", "warn", "warning", "error":
	default:
		return fmt.Errorf("[log] level %q: use debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		return fmt.Errorf("[log] format %q: use auto, text or json", c.Log.Format)
	}
	if c.Database.URL == "" && c.Database.DataDir == "" {
		return errors.New("[database] data_dir must not be empty when no database url is set")
	}
	if !strings.HasPrefix(c.Discord.APIBase, "http://") && !strings.HasPrefix(c.Discord.APIBase, "https://") {
		return fmt.Errorf("[discord] api_base %q: must start with http:// or https://", c.Discord.APIBase)
	}
	for _, id := range c.Discord.GuildIDs {
		if !isSnowflake(id) {
			return fmt.Errorf("[discord] guild_ids: %q is not a Discord id (a number; right-click the server with Developer Mode on and Copy Server ID)", id)
		}
	}
	return nil
}

func isSnowflake(s string) bool {
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
