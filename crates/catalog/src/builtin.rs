//! The catalogs compiled into kaiji. Add a file here when you add one to `catalogs/`; a test
//! fails when the two disagree.

macro_rules! builtin {
    ($($file:literal),* $(,)?) => {
        /// `(file name, YAML text)` of every shipped catalog.
        pub const BUILTIN: &[(&str, &str)] = &[
            $(($file, include_str!(concat!("../../../catalogs/", $file))),)*
        ];
    };
}

builtin![
    "jahis-mds-sds-5.0h.yaml",
    "jahis-mds-sds-4.1.yaml",
    "rss-sds-5.0h.yaml",
    "rss-sds-4.1-rev1.yaml",
    "mhlw-gl-6.0.yaml",
    "mhlw-cyber-checklist-r7.yaml",
    "iso27001-2022-annex-a.yaml",
    "map-jahis-mds-sds-4.1-5.0h.yaml",
    "map-jahis-mds-sds-5.0h-gl6.yaml",
    "map-jahis-mds-sds-5.0h-mhlw-r7.yaml",
];
