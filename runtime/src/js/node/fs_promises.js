// node:fs/promises: importable, with Node's names; Sitegate workers have no file system, so
// every call answers a promise rejected with an Error naming the call. node:fs builds on
// `internal.fs` (its constants and the throwing function maker).
import internal from "sitegate:internal";

export const constants = Object.freeze({
  F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1,
  O_RDONLY: 0, O_WRONLY: 1, O_RDWR: 2, O_CREAT: 64, O_EXCL: 128, O_TRUNC: 512, O_APPEND: 1024,
  S_IFMT: 61440, S_IFREG: 32768, S_IFDIR: 16384, S_IFLNK: 40960,
  COPYFILE_EXCL: 1, COPYFILE_FICLONE: 2, COPYFILE_FICLONE_FORCE: 4,
});

function notAvailable(call) {
  const error = new Error(
    `${call}() is not available: Sitegate workers have no file system`,
  );
  error.code = "ERR_METHOD_NOT_IMPLEMENTED";
  return error;
}

/** A function that throws, naming `call`. */
function unsupported(call) {
  const fn = function () {
    throw notAvailable(call);
  };
  Object.defineProperty(fn, "name", { value: call.slice(call.lastIndexOf(".") + 1) });
  return fn;
}

/** An async function that rejects, naming `call`. */
function rejecting(call) {
  const fn = async function () {
    throw notAvailable(call);
  };
  Object.defineProperty(fn, "name", { value: call.slice(call.lastIndexOf(".") + 1) });
  return fn;
}

internal.fs = { constants, unsupported };

export const FileHandle = unsupported("fs.promises.FileHandle");

export const access = rejecting("fs.promises.access");
export const appendFile = rejecting("fs.promises.appendFile");
export const chmod = rejecting("fs.promises.chmod");
export const chown = rejecting("fs.promises.chown");
export const copyFile = rejecting("fs.promises.copyFile");
export const cp = rejecting("fs.promises.cp");
export const glob = rejecting("fs.promises.glob");
export const lchmod = rejecting("fs.promises.lchmod");
export const lchown = rejecting("fs.promises.lchown");
export const link = rejecting("fs.promises.link");
export const lstat = rejecting("fs.promises.lstat");
export const lutimes = rejecting("fs.promises.lutimes");
export const mkdir = rejecting("fs.promises.mkdir");
export const mkdtemp = rejecting("fs.promises.mkdtemp");
export const open = rejecting("fs.promises.open");
export const opendir = rejecting("fs.promises.opendir");
export const readFile = rejecting("fs.promises.readFile");
export const readdir = rejecting("fs.promises.readdir");
export const readlink = rejecting("fs.promises.readlink");
export const realpath = rejecting("fs.promises.realpath");
export const rename = rejecting("fs.promises.rename");
export const rm = rejecting("fs.promises.rm");
export const rmdir = rejecting("fs.promises.rmdir");
export const stat = rejecting("fs.promises.stat");
export const statfs = rejecting("fs.promises.statfs");
export const symlink = rejecting("fs.promises.symlink");
export const truncate = rejecting("fs.promises.truncate");
export const unlink = rejecting("fs.promises.unlink");
export const utimes = rejecting("fs.promises.utimes");
export const watch = rejecting("fs.promises.watch");
export const writeFile = rejecting("fs.promises.writeFile");

export default {
  constants, FileHandle,
  access, appendFile, chmod, chown, copyFile, cp,
  glob, lchmod, lchown, link, lstat, lutimes,
  mkdir, mkdtemp, open, opendir, readFile, readdir,
  readlink, realpath, rename, rm, rmdir, stat,
  statfs, symlink, truncate, unlink, utimes, watch,
  writeFile,
};
