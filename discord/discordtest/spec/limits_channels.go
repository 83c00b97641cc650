package spec

// Channel names are 1-100 characters (resources-guild.mdx "Create Guild
// Channel", resources-channel.mdx "Modify Channel").
const maxChannelName = 100

func checkChannel(f *formErrors, body map[string]any, partial bool) {
	name, present := body["name"]
	if !present && partial {
		return
	}
	lengthBetween(f, []string{"name"}, runes(name), 1, maxChannelName)
}
