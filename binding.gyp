{
  "targets": [
    {
      "target_name": "layer4_tun",
      "sources": ["native/tun.cc"],
      "cflags_cc": ["-O2", "-Wall"],
      "conditions": [["OS!='linux'", {"sources!": ["native/tun.cc"]}]]
    }
  ]
}
