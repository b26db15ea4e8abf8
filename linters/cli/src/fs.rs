//! Writing the user's source files for `--fix` without ever leaving a half-written one,
//! and without being steered by what a repository planted: a temporary file with a random
//! name is created beside the target (`O_CREAT|O_EXCL`, so a planted symbolic link is never
//! followed), flushed, checked against the target once more, then renamed over it (atomic
//! on POSIX). Files prodlint owns go through `prodlint_core::write_atomically`.

use std::io::{self, Read};
use std::path::Path;

use prodlint_core::{temporary_beside, write_and_sync};

fn refused(message: String) -> io::Error {
    io::Error::other(message)
}

/// The bytes of the file at `path` if it is a regular file, opened without following a
/// symbolic link; with the identity of the file read.
fn read_unlinked(path: &Path) -> io::Result<(Vec<u8>, std::fs::Metadata)> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let mut file = options.open(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(prodlint_core::not_regular());
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok((bytes, metadata))
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    true
}

#[cfg(unix)]
fn hard_links(metadata: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink()
}

#[cfg(not(unix))]
fn hard_links(_: &std::fs::Metadata) -> u64 {
    1
}

/// Replaces a source file whose text was `expected` with `contents`, for `--fix`.
///
/// Refused, with the reason, and nothing written: a symbolic link (the fix would land
/// wherever it points), a file that is not regular, a read-only file, a file with other
/// hard links (a rename would split them), and a file whose content is no longer
/// `expected` when the fixed text is ready to go in (an edit made meanwhile is kept).
pub fn replace_checked(path: &Path, expected: &[u8], contents: &[u8]) -> io::Result<()> {
    let before = std::fs::symlink_metadata(path)?;
    if before.file_type().is_symlink() {
        return Err(refused(
            "is a symbolic link; prodlint does not write through links".into(),
        ));
    }
    if !before.is_file() {
        return Err(prodlint_core::not_regular());
    }
    if before.permissions().readonly() {
        return Err(refused("is read-only".into()));
    }
    let links = hard_links(&before);
    if links > 1 {
        return Err(refused(format!(
            "has {links} hard links; replacing it would separate them"
        )));
    }
    let mut temporary = temporary_beside(path)?;
    write_and_sync(&mut temporary, contents)?;
    temporary.as_file().set_permissions(before.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Keep the owner where allowed (as root, fixing someone else's file); an ordinary
        // user owns what it may replace anyway.
        let _ =
            std::os::unix::fs::fchown(temporary.as_file(), Some(before.uid()), Some(before.gid()));
    }
    // Right before the rename: the same file, still with the text the fixes were made for.
    let (now, metadata) = read_unlinked(path)?;
    if !same_file(&before, &metadata) || now != expected {
        return Err(refused(
            "changed on disk while it was checked; not fixed".into(),
        ));
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_planted_link_at_the_old_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let target = outside.path().join("victim");
        std::fs::write(&target, "kept").unwrap();
        // The name an earlier version used; any name is safe with O_EXCL and a random name.
        std::os::unix::fs::symlink(
            &target,
            dir.path()
                .join(format!(".a.ts.prodlint-{}.tmp", std::process::id())),
        )
        .unwrap();
        std::fs::write(dir.path().join("a.ts"), "old").unwrap();
        replace_checked(&dir.path().join("a.ts"), b"old", b"new").unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("a.ts")).unwrap(),
            "new"
        );
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "kept");
    }

    #[test]
    fn links_read_only_files_and_changed_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.ts");
        std::fs::write(&real, "old").unwrap();

        let link = dir.path().join("link.ts");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let error = replace_checked(&link, b"old", b"new").unwrap_err();
        assert!(error.to_string().contains("symbolic link"), "{error}");

        let hard = dir.path().join("hard.ts");
        std::fs::hard_link(&real, &hard).unwrap();
        let error = replace_checked(&hard, b"old", b"new").unwrap_err();
        assert!(error.to_string().contains("2 hard links"), "{error}");
        std::fs::remove_file(&hard).unwrap();

        let read_only = dir.path().join("ro.ts");
        std::fs::write(&read_only, "old").unwrap();
        std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o444)).unwrap();
        let error = replace_checked(&read_only, b"old", b"new").unwrap_err();
        assert!(error.to_string().contains("read-only"), "{error}");

        let error = replace_checked(&real, b"what was read", b"new").unwrap_err();
        assert!(error.to_string().contains("changed on disk"), "{error}");

        for path in [&real, &read_only] {
            assert_eq!(
                std::fs::read_to_string(path).unwrap(),
                "old",
                "nothing lost"
            );
        }
        assert_eq!(
            leftovers(dir.path()),
            ["link.ts", "real.ts", "ro.ts"],
            "no temporary file left behind"
        );
    }

    #[test]
    fn the_mode_is_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("run.js");
        std::fs::write(&script, "old").unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o750)).unwrap();
        replace_checked(&script, b"old", b"new").unwrap();
        let mode = std::fs::metadata(&script).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o750);
    }
}
