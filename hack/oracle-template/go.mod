module oracletemplate

go 1.26.0

// Every module below is pinned to the version the Go agent v0.7.0's build resolves (its go.mod and
// `go version -m` of the released binary: sprig v3.3.0 with spf13/cast v1.10.0, Masterminds/semver
// v3.4.0, cel-go v0.28.0, gjson v1.18.0, sjson v1.2.5, tidwall/match v1.2.0, x/crypto v0.50.0), not
// to the minimums sprig declares. Keep them in step when the reference agent is upgraded.
require (
	github.com/Masterminds/sprig/v3 v3.3.0
	golang.org/x/crypto v0.50.0
)

require (
	dario.cat/mergo v1.0.2 // indirect
	github.com/Masterminds/goutils v1.1.1 // indirect
	github.com/Masterminds/semver/v3 v3.4.0 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/huandu/xstrings v1.5.0 // indirect
	github.com/mitchellh/copystructure v1.2.0 // indirect
	github.com/mitchellh/reflectwalk v1.0.2 // indirect
	github.com/shopspring/decimal v1.4.0 // indirect
	github.com/spf13/cast v1.10.0 // indirect
	golang.org/x/sys v0.43.0 // indirect
)
