package workshop

import "testing"

func TestMemberValidate(t *testing.T) {
	valid := Member{GuildID: "g", UserID: "u", DisplayName: "Ada", TimeZone: "Asia/Tokyo", Experience: ExperienceNew}
	if err := valid.Validate(); err != nil {
		t.Fatalf("valid member: %v", err)
	}
	for name, m := range map[string]Member{
		"no guild":   {UserID: "u"},
		"no user":    {GuildID: "g"},
		"bad zone":   {GuildID: "g", UserID: "u", TimeZone: "Local"},
		"bad level":  {GuildID: "g", UserID: "u", Experience: "guru"},
		"long name":  {GuildID: "g", UserID: "u", DisplayName: string(make([]rune, MaxDisplayNameLength+1))},
		"zone typo":  {GuildID: "g", UserID: "u", TimeZone: "Europe/Berlinn"},
		"zone blank": {GuildID: "g", UserID: "u", TimeZone: " "},
	} {
		if code := ErrorCode(m.Validate()); code != EINVALID {
			t.Errorf("%s: code %q, want %q", name, code, EINVALID)
		}
	}
}

func TestMemberLocationFallsBackToUTC(t *testing.T) {
	if loc := (&Member{}).Location(); loc.String() != "UTC" {
		t.Fatalf("Location() = %v, want UTC", loc)
	}
	if loc := (&Member{TimeZone: "America/Sao_Paulo"}).Location(); loc.String() != "America/Sao_Paulo" {
		t.Fatalf("Location() = %v", loc)
	}
}

func TestGuildSettings(t *testing.T) {
	s := GuildSettings{GuildID: "g", Locale: "en-US", HostRoles: []string{"r1"}}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	if !s.CanHost([]string{"r0", "r1"}) || s.CanHost(nil) {
		t.Error("CanHost disagrees with HostRoles")
	}
	s.HostRoles = []string{""}
	if ErrorCode(s.Validate()) != EINVALID {
		t.Error("empty role ID accepted")
	}
	s.HostRoles = make([]string, MaxHostRoles+1)
	for i := range s.HostRoles {
		s.HostRoles[i] = "r"
	}
	if ErrorCode(s.Validate()) != EINVALID {
		t.Error("too many roles accepted")
	}
}
