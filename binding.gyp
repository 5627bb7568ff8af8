{
  "targets": [
    {
      "target_name": "tinyevent",
      "sources": ["src/native/engine.cc", "src/native/cpus.cc", "src/native/binding.cc", "src/native/watchdog.cc"],
      "cflags_cc": ["-O2", "-fno-exceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-cast-function-type"],
      "cflags_cc!": ["-fno-rtti"],
      "libraries": ["-lpthread"]
    }
  ]
}
