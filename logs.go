package main

// Terraform and OpenTofu pass a provider's log lines on only when TF_LOG or TF_LOG_PROVIDER asks for them; otherwise
// they read every line the provider writes and throw it away. The plugin SDKs still log at TRACE by default, for
// every resource on every call: measured at 1,000 links, that encoding and the reading of it were about 40% of the
// provider's CPU and a quarter of Terraform's. So when nobody will read them, the SDK and provider loggers are
// turned off through their own settings (terraform-plugin-log's TF_LOG_SDK* and TF_LOG_PROVIDER_<NAME>), which
// changes nothing anyone can see. A setting the user made is never overridden, and with -debug, where the provider
// logs to its own terminal, nothing changes.

// logSwitches are the plugin SDKs' log level settings: the SDK's own, the framework's, the protocol's, and this
// provider's logger (TF_LOG_PROVIDER_ followed by the provider's type name).
var logSwitches = []string{"TF_LOG_SDK", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_SDK_PROTO", "TF_LOG_PROVIDER_GITLAB"}

// unreadLogSettings returns the settings to make so that nothing is logged that nobody reads: none when Terraform
// will pass the provider's logs on, and otherwise "OFF" for every switch the environment leaves unset.
func unreadLogSettings(debug bool, lookup func(string) (string, bool)) map[string]string {
	if debug {
		return nil
	}
	for _, asked := range []string{"TF_LOG", "TF_LOG_PROVIDER"} {
		if v, _ := lookup(asked); v != "" {
			return nil
		}
	}
	settings := map[string]string{}
	for _, name := range logSwitches {
		if _, set := lookup(name); !set {
			settings[name] = "OFF"
		}
	}
	return settings
}
