package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/BurntSushi/toml"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadConfigDefaultsWhenNoFile(t *testing.T) {
	t.Chdir(t.TempDir())
	cfg, err := LoadConfig("", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("got %+v, want defaults %+v", cfg, want)
	}
}

func TestLoadConfigFindsFileInOrder(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, dir, "bot.toml", "[log]\nlevel = \"debug\"\n")
	fromEnv := writeFile(t, dir, "env.toml", "[log]\nlevel = \"warn\"\n")
	fromFlag := writeFile(t, dir, "flag.toml", "[log]\nlevel = \"error\"\n")

	cases := []struct {
		name, flag string
		env        map[string]string
		wantLevel  string
	}{
		{"./bot.toml", "", nil, "debug"},
		{"$ROUNDTABLE_CONFIG over ./bot.toml", "", map[string]string{"ROUNDTABLE_CONFIG": fromEnv}, "warn"},
		{"-config over $ROUNDTABLE_CONFIG", fromFlag, map[string]string{"ROUNDTABLE_CONFIG": fromEnv}, "error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := LoadConfig(c.flag, envOf(c.env))
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Log.Level != c.wantLevel {
				t.Errorf("level = %q, want %q (source %s)", cfg.Log.Level, c.wantLevel, cfg.Source)
			}
		})
	}
}

func TestLoadConfigExplicitFileMustExist(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := LoadConfig("nope.toml", envOf(nil))
	if err == nil || !strings.Contains(err.Error(), "nope.toml") {
		t.Fatalf("err = %v, want one naming nope.toml", err)
	}
	_, err = LoadConfig("", envOf(map[string]string{"ROUNDTABLE_CONFIG": "missing.toml"}))
	if err == nil || !strings.Contains(err.Error(), "missing.toml") {
		t.Fatalf("err = %v, want one naming missing.toml", err)
	}
}

func TestLoadConfigUnknownKeyNamesKeyAndLine(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "bot.toml", `# comment
[database]
url = ""
data_dri = "x"

[workshop]
room_grace = "5m"
host_role = ["Host"]
`)
	_, err := LoadConfig(p, envOf(nil))
	if err == nil {
		t.Fatal("unknown keys accepted")
	}
	for _, want := range []string{p + `:4: unknown key "database.data_dri"`, p + `:8: unknown key "workshop.host_role"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestLoadConfigUnknownTableNamesLine(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bot.toml", "[log]\nlevel = \"info\"\n\n[metric]\nlisten = \"x\"\n")
	_, err := LoadConfig(p, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), p+`:5: unknown key "metric.listen"`) {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadConfigSyntaxErrorHasPosition(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bot.toml", "[log]\nlevel = info\n")
	_, err := LoadConfig(p, envOf(nil))
	if err == nil || !strings.Contains(err.Error(), p+":2:") {
		t.Fatalf("err = %v, want position line 2", err)
	}
}

func TestLoadConfigBadValues(t *testing.T) {
	cases := map[string]string{
		"[workshop]\nroom_grace = \"ten minutes\"\n": "room_grace",
		"[log]\nlevel = \"loud\"\n":                  "[log] level",
		"[log]\nformat = \"xml\"\n":                  "[log] format",
		"[discord]\napi_base = \"discord.com\"\n":    "api_base",
		"[discord]\nguild_ids = [\"my-server\"]\n":   "guild_ids",
	}
	for src, want := range cases {
		p := writeFile(t, t.TempDir(), "bot.toml", src)
		_, err := LoadConfig(p, envOf(nil))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want mention of %q", src, err, want)
		}
	}
}

func TestDatabaseURLFromEnvironmentOverridesFile(t *testing.T) {
	p := writeFile(t, t.TempDir(), "bot.toml", "[database]\nurl = \"postgres://file/db\"\n")
	cfg, err := LoadConfig(p, envOf(map[string]string{"DATABASE_URL": "postgres://env/db"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Database.URL != "postgres://env/db" {
		t.Fatalf("url = %q", cfg.Database.URL)
	}
}

// The sample bot.toml documents every key with its default value: decoding
// it must give exactly the defaults, and it must mention every key.
func TestSampleBotTomlIsCompleteAndMatchesDefaults(t *testing.T) {
	cfg, err := LoadConfig("../../bot.toml", envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultConfig()
	cfg.Source, want.Source = "", ""
	normalize := func(c *Config) {
		for _, s := range []*[]string{&c.Discord.GuildIDs, &c.Workshop.HostRoles, &c.Workshop.CurriculaDirs} {
			if len(*s) == 0 {
				*s = nil
			}
		}
	}
	normalize(&cfg)
	normalize(&want)
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("bot.toml gives %+v, defaults are %+v", cfg, want)
	}
	src, err := os.ReadFile("../../bot.toml")
	if err != nil {
		t.Fatal(err)
	}
	var anything map[string]any
	md, err := toml.Decode(string(src), &anything)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range configKeys(reflect.TypeOf(Config{}), nil) {
		if !md.IsDefined(key...) {
			t.Errorf("bot.toml does not document %s", strings.Join(key, "."))
		}
	}
}

// configKeys lists the TOML keys of a config struct type.
func configKeys(t reflect.Type, prefix []string) [][]string {
	var keys [][]string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("toml")
		if name == "" || name == "-" {
			continue
		}
		key := append(append([]string{}, prefix...), name)
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(Duration{}) {
			keys = append(keys, configKeys(f.Type, key)...)
			continue
		}
		keys = append(keys, key)
	}
	return keys
}

func TestDurationDecodes(t *testing.T) {
	var d Duration
	if err := d.UnmarshalText([]byte("1h30m")); err != nil || d.Duration != 90*time.Minute {
		t.Fatalf("got %v, %v", d, err)
	}
	if err := d.UnmarshalText([]byte("-5m")); err == nil {
		t.Fatal("negative duration accepted")
	}
}
