//! Opening files that a repository may have planted: only regular files are read, and
//! opening never blocks (a FIFO named `package.json` or `x.ts` would otherwise hang the
//! run on `open`, waiting for a writer that never comes). Files are written whole, through
//! a temporary file that a planted link cannot redirect.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use tempfile::NamedTempFile;

/// A new temporary file with a random name in the directory of `path`, created with
/// `O_CREAT|O_EXCL` (so a symbolic link planted at its name is never followed).
pub fn temporary_beside(path: &Path) -> io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".prodlint-tmp")
        .tempfile_in(dir)
}

/// Writes `contents` to a temporary file and flushes it to disk.
pub fn write_and_sync(temporary: &mut NamedTempFile, contents: &[u8]) -> io::Result<()> {
    temporary.write_all(contents)?;
    temporary.as_file().sync_all()
}

/// Replaces the file at `path` with `contents` (a cache, a baseline: files prodlint owns),
/// atomically: a reader sees the old file or the new one. A symbolic link at `path` is
/// replaced, not followed.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut temporary = temporary_beside(path)?;
    write_and_sync(&mut temporary, contents)?;
    if let Ok(metadata) = std::fs::symlink_metadata(path) {
        if metadata.is_file() {
            temporary
                .as_file()
                .set_permissions(metadata.permissions())?;
        }
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Opens `path` for reading without blocking, and only if it is a regular file (symbolic
/// links are followed: a link to a regular file is read); with the file's length, from
/// the same `fstat`.
fn open_regular(path: &Path) -> io::Result<(File, u64)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // No effect on a regular file; on a FIFO, `open` returns at once instead of
        // waiting for a writer.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(not_regular());
    }
    Ok((file, metadata.len()))
}

/// The error for a path that is a FIFO, a socket, a device or a directory.
pub fn not_regular() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a regular file")
}

/// The bytes of a regular file, opened without blocking: a FIFO, socket, device or
/// directory is an `InvalidInput` error.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let (mut file, len) = open_regular(path)?;
    let mut bytes = Vec::with_capacity(len as usize);
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The text of a regular file; text that is not UTF-8 is an `InvalidData` error.
pub fn read_regular_to_string(path: &Path) -> io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not valid UTF-8"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("package.json");
        let path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o644) }, 0);
        // Without O_NONBLOCK this open would wait forever for a writer.
        let error = read_regular(&fifo).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(read_regular(dir.path()).is_err(), "a directory is no file");
        std::fs::write(dir.path().join("a.ts"), "x").unwrap();
        assert_eq!(
            read_regular_to_string(&dir.path().join("a.ts")).unwrap(),
            "x"
        );
    }
}

/// Writes `(relative path, text)` pairs under `root`, creating their folders: the small
/// projects on disk that unit tests of project indexes read.
pub fn write_tree(root: &Path, files: &[(&str, &str)]) -> io::Result<()> {
    for (path, text) in files {
        let path = root.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}
