import { Link as MuiLink } from "@mui/material";
import { createLink } from "@tanstack/react-router";

/** A MUI link that navigates with the router (typed `to` and `params`). */
export const RouterLink = createLink(MuiLink);
