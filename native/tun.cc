// layer4 TUN addon: opens /dev/net/tun (IFF_TUN | IFF_NO_PI, optionally IFF_VNET_HDR), reports
// readability through a libuv poll handle on Node's own loop (no thread, no busy polling), and
// reads/writes packets in batches. One read()/write() per packet is the TUN ABI; batching here
// means one JS crossing per burst instead of one per packet.
#include <node_api.h>
#include <uv.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <stdlib.h>
#include <sys/uio.h>

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, "EINVAL", #call " failed"); return nullptr; } } while (0)

static napi_value ThrowErrno(napi_env env, const char* what, int err) {
  char msg[256];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_value code, message, error, errnoVal;
  const char* name = err == ENOENT ? "ENOENT" : err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : err == EBUSY ? "EBUSY" : err == EINVAL ? "EINVAL" : "EIO";
  napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, code, message, &error);
  napi_create_int32(env, err, &errnoVal);
  napi_set_named_property(env, error, "errno", errnoVal);
  napi_throw(env, error);
  return nullptr;
}

// open(name: string, vnetHdr: boolean) -> { fd, name }
static napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  char name[IFNAMSIZ] = {0}; size_t len = 0;
  if (argc > 0) napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len);
  bool vnet = false;
  if (argc > 1) napi_get_value_bool(env, argv[1], &vnet);
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return ThrowErrno(env, "open /dev/net/tun", errno);
  struct ifreq ifr; memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
  strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) { int e = errno; close(fd); return ThrowErrno(env, "ioctl TUNSETIFF", e); }
  if (vnet) {
    int hdr = 12; // struct virtio_net_hdr_v1 (num_buffers included), as little-endian fields
    if (ioctl(fd, TUNSETVNETHDRSZ, &hdr) < 0) { int e = errno; close(fd); return ThrowErrno(env, "ioctl TUNSETVNETHDRSZ", e); }
  }
  napi_value out, fdv, namev;
  napi_create_object(env, &out);
  napi_create_int32(env, fd, &fdv);
  napi_create_string_utf8(env, ifr.ifr_name, NAPI_AUTO_LENGTH, &namev);
  napi_set_named_property(env, out, "fd", fdv);
  napi_set_named_property(env, out, "name", namev);
  return out;
}

// setOffload(fd, flags) — TUNSETOFFLOAD with TUN_F_* bits.
static napi_value SetOffload(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1; uint32_t flags = 0;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_uint32(env, argv[1], &flags);
  if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags) < 0) return ThrowErrno(env, "ioctl TUNSETOFFLOAD", errno);
  return nullptr;
}

static bool Bytes(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  napi_typedarray_type type; void* d; napi_value ab; size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &d, &ab, &off) != napi_ok || type != napi_uint8_array) return false;
  *data = static_cast<uint8_t*>(d);
  return true;
}

// readBatch(fd, buf: Uint8Array, slot: number, lens: Int32Array) -> count
// Reads packets into consecutive slots of `slot` bytes until EAGAIN or the slots run out.
static napi_value ReadBatch(napi_env env, napi_callback_info info) {
  size_t argc = 4; napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1, slot = 0;
  napi_get_value_int32(env, argv[0], &fd);
  napi_get_value_int32(env, argv[2], &slot);
  uint8_t* buf; size_t blen;
  if (!Bytes(env, argv[1], &buf, &blen)) { napi_throw_type_error(env, "EINVAL", "buf must be a Uint8Array"); return nullptr; }
  napi_typedarray_type t; size_t nlens; void* ld; napi_value ab; size_t off;
  CHECK(napi_get_typedarray_info(env, argv[3], &t, &nlens, &ld, &ab, &off));
  int32_t* lens = static_cast<int32_t*>(ld);
  size_t slots = slot > 0 ? blen / (size_t)slot : 0;
  if (slots > nlens) slots = nlens;
  int32_t n = 0;
  while ((size_t)n < slots) {
    ssize_t r = read(fd, buf + (size_t)n * slot, slot);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (n > 0) break;
      return ThrowErrno(env, "read tun", errno);
    }
    lens[n++] = (int32_t)r;
  }
  napi_value out; napi_create_int32(env, n, &out);
  return out;
}

// writeBatch(fd, packets: Uint8Array[], prefix?: Uint8Array) -> number written (a full queue drops
// the rest, like a NIC). `prefix` (the virtio-net header) goes before every packet via writev.
static napi_value WriteBatch(napi_env env, napi_callback_info info) {
  size_t argc = 3; napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  uint8_t* pre = nullptr; size_t prelen = 0;
  if (argc > 2) { napi_valuetype vt; napi_typeof(env, argv[2], &vt); if (vt == napi_object && !Bytes(env, argv[2], &pre, &prelen)) prelen = 0; }
  int32_t fd = -1; napi_get_value_int32(env, argv[0], &fd);
  uint32_t count = 0; CHECK(napi_get_array_length(env, argv[1], &count));
  int32_t written = 0;
  for (uint32_t i = 0; i < count; i++) {
    napi_value el; napi_get_element(env, argv[1], i, &el);
    uint8_t* d; size_t len;
    if (!Bytes(env, el, &d, &len)) continue;
    struct iovec iov[2] = {{pre, prelen}, {d, len}};
    for (;;) {
      ssize_t r = prelen > 0 ? writev(fd, iov, 2) : write(fd, d, len);
      if (r < 0 && errno == EINTR) continue;
      if (r >= 0) written++;
      break;
    }
  }
  napi_value out; napi_create_int32(env, written, &out);
  return out;
}

struct Poller {
  uv_poll_t handle;
  napi_env env;
  napi_ref callback;
  napi_async_context ctx;
  bool closed;
};

static void OnReadable(uv_poll_t* h, int status, int events) {
  Poller* p = static_cast<Poller*>(h->data);
  napi_env env = p->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value cb, recv, st, result;
  napi_get_reference_value(env, p->callback, &cb);
  napi_get_global(env, &recv);
  napi_create_int32(env, status, &st);
  if (napi_make_callback(env, p->ctx, recv, cb, 1, &st, &result) == napi_pending_exception) {
    // No JS frame is below a libuv callback: report it as Node reports any uncaught exception.
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static void OnClosed(uv_handle_t* h) {
  Poller* p = static_cast<Poller*>(h->data);
  napi_delete_reference(p->env, p->callback);
  napi_async_destroy(p->env, p->ctx);
  delete p;
}

// poll(fd, cb(status)) -> stop(): calls cb each loop turn while fd is readable.
static napi_value StopPoll(napi_env env, napi_callback_info info) {
  void* data; size_t argc = 0;
  CHECK(napi_get_cb_info(env, info, &argc, nullptr, nullptr, &data));
  Poller* p = static_cast<Poller*>(data);
  if (p && !p->closed) {
    p->closed = true;
    uv_poll_stop(&p->handle);
    uv_close(reinterpret_cast<uv_handle_t*>(&p->handle), OnClosed);
  }
  return nullptr;
}

static napi_value StartPoll(napi_env env, napi_callback_info info) {
  size_t argc = 2; napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1; napi_get_value_int32(env, argv[0], &fd);
  uv_loop_t* loop; CHECK(napi_get_uv_event_loop(env, &loop));
  Poller* p = new Poller();
  p->env = env; p->closed = false;
  napi_create_reference(env, argv[1], 1, &p->callback);
  napi_value name; napi_create_string_utf8(env, "layer4:tun", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, nullptr, name, &p->ctx);
  int rc = uv_poll_init(loop, &p->handle, fd);
  if (rc != 0) { napi_delete_reference(env, p->callback); napi_async_destroy(env, p->ctx); delete p; return ThrowErrno(env, "uv_poll_init", -rc); }
  p->handle.data = p;
  uv_poll_start(&p->handle, UV_READABLE, OnReadable);
  napi_value stop; CHECK(napi_create_function(env, "stop", NAPI_AUTO_LENGTH, StopPoll, p, &stop));
  return stop;
}

static napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1; napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t fd = -1; napi_get_value_int32(env, argv[0], &fd);
  if (fd >= 0) close(fd);
  return nullptr;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"setOffload", nullptr, SetOffload, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"readBatch", nullptr, ReadBatch, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"writeBatch", nullptr, WriteBatch, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"poll", nullptr, StartPoll, nullptr, nullptr, nullptr, napi_default, nullptr},
    {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
