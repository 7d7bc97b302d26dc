//! A structural check of OLE compound files (legacy .xls, encrypted .xlsx) before calamine reads
//! them: calamine follows sector chains without looking for cycles, so a hostile file with a
//! chain that loops makes it read forever (the fuzzer found one that grew to gigabytes).

use crate::error::Error;

/// Special sector numbers: free, end of chain, FAT sector, DIFAT sector.
const MAX_REGULAR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn corrupt(what: &str) -> Error {
    Error::Corrupt {
        sheet: None,
        message: format!("the OLE container is damaged: {what}"),
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// The bytes of the workbook stream ("Workbook", or "Book" in BIFF5 files), read through the
/// allocation tables (call [`check`] first). `None` when there is none.
pub(crate) fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let shift = u16::from_le_bytes([*bytes.get(0x1E)?, *bytes.get(0x1F)?]);
    let sector_size = 1usize << shift;
    let sectors = bytes.len().saturating_sub(sector_size) / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let id = id as usize;
        (id < sectors).then(|| &bytes[sector_size * (id + 1)..sector_size * (id + 2)])
    };
    let fat = fat(bytes, sector_size, sectors)?;
    let chain = |start: u32| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0;
        while id < MAX_REGULAR && steps <= sectors {
            out.extend_from_slice(sector(id)?);
            id = *fat.get(id as usize)?;
            steps += 1;
        }
        Some(out)
    };
    let directory = chain(u32_at(bytes, 0x30)?)?;
    // The mini stream (the root entry's stream) holds streams under 4096 bytes in 64-byte
    // sectors, chained by the mini allocation table.
    let mini_stream = directory
        .get(..128)
        .and_then(|root| chain(u32_at(root, 116)?));
    let mini_fat: Vec<u32> = chain(u32_at(bytes, 0x3C)?)
        .unwrap_or_default()
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    let mini_chain = |start: u32| -> Option<Vec<u8>> {
        let container = mini_stream.as_deref()?;
        let mut out = Vec::new();
        let mut id = start;
        let mut steps = 0;
        while id < MAX_REGULAR && steps <= mini_fat.len() {
            let at = id as usize * 64;
            out.extend_from_slice(container.get(at..at + 64)?);
            id = *mini_fat.get(id as usize)?;
            steps += 1;
        }
        Some(out)
    };
    for entry in directory.chunks_exact(128) {
        let name_len = usize::from(u16::from_le_bytes([entry[64], entry[65]])).min(64);
        let name: String = char::decode_utf16(
            entry[..name_len]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .take_while(|c| *c != 0),
        )
        .map(|c| c.unwrap_or('\u{FFFD}'))
        .collect();
        let size = u32_at(entry, 120)? as usize;
        if name == "Workbook" || name == "Book" {
            let start = u32_at(entry, 116)?;
            let mut stream = if size >= 4096 {
                chain(start)?
            } else {
                mini_chain(start)?
            };
            stream.truncate(size);
            return Some(stream);
        }
    }
    None
}

/// The allocation table (sector → next sector).
fn fat(bytes: &[u8], sector_size: usize, sectors: usize) -> Option<Vec<u32>> {
    let words = |data: &[u8]| -> Vec<u32> {
        data.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };
    let sector = |id: u32| -> Option<&[u8]> {
        let id = id as usize;
        (id < sectors).then(|| &bytes[sector_size * (id + 1)..sector_size * (id + 2)])
    };
    let mut fat_sectors = words(bytes.get(0x4C..0x200)?);
    let mut difat = u32_at(bytes, 0x44)?;
    let mut steps = 0;
    while difat < MAX_REGULAR && steps <= sectors {
        let mut entries = words(sector(difat)?);
        difat = entries.pop().unwrap_or(END_OF_CHAIN);
        fat_sectors.extend(entries);
        steps += 1;
    }
    // Each sector is named once, and no more table than the file has sectors: a hostile file
    // that names the same sector over and over would multiply memory.
    let mut seen = std::collections::BTreeSet::new();
    let mut fat = Vec::new();
    for id in fat_sectors.into_iter().filter(|id| *id < MAX_REGULAR) {
        if !seen.insert(id) || fat.len() > sectors + sector_size {
            return None;
        }
        fat.extend(words(sector(id)?));
    }
    Some(fat)
}

/// Checks that every sector chain of the file (the allocation table, its extension, the mini
/// allocation table) ends: no loops, no sector beyond the file.
pub(crate) fn check(bytes: &[u8]) -> Result<(), Error> {
    let shift = bytes
        .get(0x1E..0x20)
        .map(|b| u16::from_le_bytes([b[0], b[1]]));
    let sector_size = match shift {
        Some(9) => 512usize,
        Some(12) => 4096,
        _ => return Err(corrupt("unknown sector size")),
    };
    let sectors = bytes.len().saturating_sub(sector_size) / sector_size;
    let sector = |id: u32| -> Option<&[u8]> {
        let id = id as usize;
        (id < sectors).then(|| &bytes[sector_size * (id + 1)..sector_size * (id + 2)])
    };
    let words = |data: &[u8]| -> Vec<u32> {
        data.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect()
    };

    // The allocation table: its sectors named in the header and a DIFAT chain (checked for
    // loops and repeats as it is read).
    let mut difat = u32_at(bytes, 0x44).ok_or_else(|| corrupt("short header"))?;
    let mut steps = 0;
    while difat < MAX_REGULAR {
        steps += 1;
        if steps > sectors {
            return Err(corrupt("the DIFAT chain loops"));
        }
        let data = sector(difat).ok_or_else(|| corrupt("a DIFAT sector beyond the file"))?;
        difat = words(data).pop().unwrap_or(END_OF_CHAIN);
    }
    let fat = fat(bytes, sector_size, sectors)
        .ok_or_else(|| corrupt("the allocation table names sectors twice or beyond the file"))?;
    no_loops(&fat, "the allocation table")?;

    // The mini allocation table: a chain in the FAT, then its own chains.
    let mini_start = u32_at(bytes, 0x3C).ok_or_else(|| corrupt("short header"))?;
    let mut mini = Vec::new();
    let mut id = mini_start;
    while id < MAX_REGULAR {
        mini.extend(words(
            sector(id).ok_or_else(|| corrupt("a mini FAT sector beyond the file"))?,
        ));
        id = *fat
            .get(id as usize)
            .ok_or_else(|| corrupt("a chain beyond the allocation table"))?;
    }
    no_loops(&mini, "the mini allocation table")
}

/// Every chain in a table of next-pointers ends (0 unvisited, 1 on the current path, 2 done).
fn no_loops(table: &[u32], what: &str) -> Result<(), Error> {
    let mut state = vec![0u8; table.len()];
    for start in 0..table.len() {
        let mut path = Vec::new();
        let mut at = start;
        loop {
            match state.get(at) {
                Some(0) => {
                    state[at] = 1;
                    path.push(at);
                    let next = table[at];
                    if next >= MAX_REGULAR {
                        break;
                    }
                    at = next as usize;
                }
                Some(1) => return Err(corrupt(&format!("a chain in {what} loops"))),
                // Done before, or a pointer beyond the table (calamine reports that itself).
                _ => break,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loops_are_found() {
        assert!(no_loops(&[1, 2, END_OF_CHAIN], "t").is_ok());
        assert!(no_loops(&[1, 2, 0], "t").is_err());
        assert!(no_loops(&[0], "t").is_err());
        assert!(no_loops(&[END_OF_CHAIN, 0, 1], "t").is_ok());
        assert!(no_loops(&[5, END_OF_CHAIN], "t").is_ok());
    }
}
