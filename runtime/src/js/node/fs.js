// node:fs: importable, with Node's names, for bundles that import it without using it;
// Sitegate workers have no file system, so every call throws (a promise rejects) with an
// Error naming the call, and `existsSync` answers false.
import internal from "sitegate:internal";
import promises from "node:fs/promises";

const { constants, unsupported } = internal.fs;

export { promises, constants };
export const { F_OK, R_OK, W_OK, X_OK } = constants;

export const access = unsupported("fs.access");
export const accessSync = unsupported("fs.accessSync");
export const appendFile = unsupported("fs.appendFile");
export const appendFileSync = unsupported("fs.appendFileSync");
export const chmod = unsupported("fs.chmod");
export const chmodSync = unsupported("fs.chmodSync");
export const chown = unsupported("fs.chown");
export const chownSync = unsupported("fs.chownSync");
export const close = unsupported("fs.close");
export const closeSync = unsupported("fs.closeSync");
export const copyFile = unsupported("fs.copyFile");
export const copyFileSync = unsupported("fs.copyFileSync");
export const cp = unsupported("fs.cp");
export const cpSync = unsupported("fs.cpSync");
export const fchmod = unsupported("fs.fchmod");
export const fchmodSync = unsupported("fs.fchmodSync");
export const fchown = unsupported("fs.fchown");
export const fchownSync = unsupported("fs.fchownSync");
export const fdatasync = unsupported("fs.fdatasync");
export const fdatasyncSync = unsupported("fs.fdatasyncSync");
export const fstat = unsupported("fs.fstat");
export const fstatSync = unsupported("fs.fstatSync");
export const fsync = unsupported("fs.fsync");
export const fsyncSync = unsupported("fs.fsyncSync");
export const ftruncate = unsupported("fs.ftruncate");
export const ftruncateSync = unsupported("fs.ftruncateSync");
export const futimes = unsupported("fs.futimes");
export const futimesSync = unsupported("fs.futimesSync");
export const glob = unsupported("fs.glob");
export const globSync = unsupported("fs.globSync");
export const lchmod = unsupported("fs.lchmod");
export const lchmodSync = unsupported("fs.lchmodSync");
export const lchown = unsupported("fs.lchown");
export const lchownSync = unsupported("fs.lchownSync");
export const link = unsupported("fs.link");
export const linkSync = unsupported("fs.linkSync");
export const lstat = unsupported("fs.lstat");
export const lstatSync = unsupported("fs.lstatSync");
export const lutimes = unsupported("fs.lutimes");
export const lutimesSync = unsupported("fs.lutimesSync");
export const mkdir = unsupported("fs.mkdir");
export const mkdirSync = unsupported("fs.mkdirSync");
export const mkdtemp = unsupported("fs.mkdtemp");
export const mkdtempSync = unsupported("fs.mkdtempSync");
export const open = unsupported("fs.open");
export const openSync = unsupported("fs.openSync");
export const opendir = unsupported("fs.opendir");
export const opendirSync = unsupported("fs.opendirSync");
export const read = unsupported("fs.read");
export const readSync = unsupported("fs.readSync");
export const readFile = unsupported("fs.readFile");
export const readFileSync = unsupported("fs.readFileSync");
export const readdir = unsupported("fs.readdir");
export const readdirSync = unsupported("fs.readdirSync");
export const readlink = unsupported("fs.readlink");
export const readlinkSync = unsupported("fs.readlinkSync");
export const readv = unsupported("fs.readv");
export const readvSync = unsupported("fs.readvSync");
export const realpath = unsupported("fs.realpath");
export const realpathSync = unsupported("fs.realpathSync");
export const rename = unsupported("fs.rename");
export const renameSync = unsupported("fs.renameSync");
export const rm = unsupported("fs.rm");
export const rmSync = unsupported("fs.rmSync");
export const rmdir = unsupported("fs.rmdir");
export const rmdirSync = unsupported("fs.rmdirSync");
export const stat = unsupported("fs.stat");
export const statSync = unsupported("fs.statSync");
export const statfs = unsupported("fs.statfs");
export const statfsSync = unsupported("fs.statfsSync");
export const symlink = unsupported("fs.symlink");
export const symlinkSync = unsupported("fs.symlinkSync");
export const truncate = unsupported("fs.truncate");
export const truncateSync = unsupported("fs.truncateSync");
export const unlink = unsupported("fs.unlink");
export const unlinkSync = unsupported("fs.unlinkSync");
export const utimes = unsupported("fs.utimes");
export const utimesSync = unsupported("fs.utimesSync");
export const write = unsupported("fs.write");
export const writeSync = unsupported("fs.writeSync");
export const writeFile = unsupported("fs.writeFile");
export const writeFileSync = unsupported("fs.writeFileSync");
export const writev = unsupported("fs.writev");
export const writevSync = unsupported("fs.writevSync");
export const createReadStream = unsupported("fs.createReadStream");
export const createWriteStream = unsupported("fs.createWriteStream");
export const openAsBlob = unsupported("fs.openAsBlob");
export const watch = unsupported("fs.watch");
export const watchFile = unsupported("fs.watchFile");
export const unwatchFile = unsupported("fs.unwatchFile");
export const Dir = unsupported("fs.Dir");
export const Dirent = unsupported("fs.Dirent");
export const ReadStream = unsupported("fs.ReadStream");
export const WriteStream = unsupported("fs.WriteStream");
export const Stats = unsupported("fs.Stats");
export const FileReadStream = unsupported("fs.FileReadStream");
export const FileWriteStream = unsupported("fs.FileWriteStream");

export function existsSync() {
  return false;
}

export function exists(path, callback) {
  if (typeof callback === "function") queueMicrotask(() => callback(false));
}

export default {
  promises, constants, F_OK, R_OK, W_OK, X_OK,
  access, accessSync, appendFile, appendFileSync, chmod, chmodSync,
  chown, chownSync, close, closeSync, copyFile, copyFileSync,
  cp, cpSync, fchmod, fchmodSync, fchown, fchownSync,
  fdatasync, fdatasyncSync, fstat, fstatSync, fsync, fsyncSync,
  ftruncate, ftruncateSync, futimes, futimesSync, glob, globSync,
  lchmod, lchmodSync, lchown, lchownSync, link, linkSync,
  lstat, lstatSync, lutimes, lutimesSync, mkdir, mkdirSync,
  mkdtemp, mkdtempSync, open, openSync, opendir, opendirSync,
  read, readSync, readFile, readFileSync, readdir, readdirSync,
  readlink, readlinkSync, readv, readvSync, realpath, realpathSync,
  rename, renameSync, rm, rmSync, rmdir, rmdirSync,
  stat, statSync, statfs, statfsSync, symlink, symlinkSync,
  truncate, truncateSync, unlink, unlinkSync, utimes, utimesSync,
  write, writeSync, writeFile, writeFileSync, writev, writevSync,
  createReadStream, createWriteStream, openAsBlob, watch, watchFile, unwatchFile,
  Dir, Dirent, ReadStream, WriteStream, Stats, FileReadStream,
  FileWriteStream, existsSync, exists,
};
