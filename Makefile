.PHONY: run test smoke fault browser ci format lint workflows template lambda-package

run:	## run the server, embedded
	swift run orderly serve

test:	## run the test suites
	swift test

smoke:	## end-to-end check of the real binary
	swift build --product orderly && scripts/smoke.sh

fault:	## kill the real server at random moments under load, then check every invariant (ORDERLY_FAULT_SEED repeats a run)
	swift build --product orderly && python3 scripts/fault-test.py

browser:	## the website (shop, admin, courier) in headless Chromium (needs chromium, chromium-driver and selenium; .ci/run installs them)
	swift build --product orderly && python3 scripts/browser-test.py

ci:	## what CI runs
	bash .ci/run

format:	## format the sources with swift-format
	swift format --in-place --recursive Sources Tests Package.swift

lint:	## what CI checks of the habits: formatting, and no warnings in Orderly's code
	swift format lint --strict --recursive Sources Tests Package.swift
	ORDERLY_WARNINGS_AS_ERRORS=1 swift build --build-tests

workflows:	## embed Workflows/*.asl.json into the binary after editing them
	python3 scripts/embed-workflows.py

template:	## write the AWS SAM template from the code (tables, tasks, consumers, workflows)
	swift run orderly aws template > deploy/aws/template.yaml

# Its own scratch folder, so that a release build does not hold up the debug builds of the working copy. The
# libraries the binary loads besides the C library's own (SQLite, the C++ runtime, zlib) go in lib/, which Lambda puts
# on LD_LIBRARY_PATH: build on Amazon Linux 2023 (docs/deploy-aws.md) so that they are that system's.
lambda-package:	## the Lambda bundle .build/lambda/orderly.zip: the release binary as `bootstrap` (provided.al2023)
	swift build -c release --product orderly --static-swift-stdlib --scratch-path .build/release-lambda
	rm -rf .build/lambda && mkdir -p .build/lambda/bundle/lib
	cp "$$(swift build -c release --scratch-path .build/release-lambda --show-bin-path)/orderly" .build/lambda/bundle/bootstrap
	strip .build/lambda/bundle/bootstrap
	ldd .build/lambda/bundle/bootstrap | awk '$$3 ~ /^\// {print $$3}' \
	    | grep -Ev '/(libc|libm|libdl|librt|libpthread|ld-linux[^/]*)\.so' | xargs -r -I{} cp -L {} .build/lambda/bundle/lib/
	cd .build/lambda/bundle && python3 -c 'import os, zipfile; z = zipfile.ZipFile("../orderly.zip", "w", zipfile.ZIP_DEFLATED); [z.write(p) for p in ["bootstrap"] + sorted("lib/" + n for n in os.listdir("lib"))]; z.close()'
	@unzip -l .build/lambda/orderly.zip
