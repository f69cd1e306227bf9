# The functions R's survey package exports, for the "every R function" page
# (docs/reference/r-functions.md; tests/package/test_r_functions_page.py checks
# that the page has a row for each). Run from the repository root:
#   Rscript tests/reference/list_r_exports.R
suppressPackageStartupMessages(library(survey))
exports <- sort(getNamespaceExports("survey"))
exports <- exports[!grepl("^\\.", exports)]
out <- c("{", sprintf('  "R": "%s",', R.version.string),
         sprintf('  "survey": "%s",', as.character(packageVersion("survey"))),
         '  "exports": [',
         paste0('    "', exports, '"', c(rep(",", length(exports) - 1), "")),
         "  ]", "}")
writeLines(out, "tests/reference/r_survey_exports.json")
