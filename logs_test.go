package main

import (
	"reflect"
	"testing"
)

func TestUnreadLogSettings(t *testing.T) {
	allOff := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF", "TF_LOG_SDK_PROTO": "OFF", "TF_LOG_PROVIDER_GITLAB": "OFF"}
	tests := []struct {
		name  string
		debug bool
		env   map[string]string
		want  map[string]string
	}{
		{name: "nobody reads the logs", env: map[string]string{}, want: allOff},
		{name: "TF_LOG", env: map[string]string{"TF_LOG": "DEBUG"}, want: nil},
		{name: "TF_LOG_PROVIDER", env: map[string]string{"TF_LOG_PROVIDER": "TRACE"}, want: nil},
		{name: "TF_LOG_CORE only", env: map[string]string{"TF_LOG_CORE": "TRACE"}, want: allOff},
		{name: "empty TF_LOG", env: map[string]string{"TF_LOG": ""}, want: allOff},
		{name: "a setting of the user's is kept", env: map[string]string{"TF_LOG_SDK_PROTO": "DEBUG", "TF_LOG_PROVIDER_GITLAB": ""},
			want: map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_SDK_FRAMEWORK": "OFF"}},
		{name: "-debug", debug: true, env: map[string]string{}, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup := func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }
			got := unreadLogSettings(tc.debug, lookup)
			if len(got) == 0 && len(tc.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("unreadLogSettings = %v, want %v", got, tc.want)
			}
		})
	}
}
