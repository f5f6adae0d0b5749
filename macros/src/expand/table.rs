//! The table handle (`PostTable`) and `Post::table(&client)`.

use quote::{format_ident, quote};

use super::{Piece, bounded_generics, model_type};
use crate::model::{Model, TableKeys};

pub(crate) fn ident(model: &Model) -> syn::Ident {
    format_ident!("{}Table", model.ident)
}

pub(crate) fn expand(model: &Model) -> Piece {
    let krate = &model.krate;
    let p = quote!(#krate::__private);
    let vis = &model.vis;
    let model_ident = &model.ident;
    let model_ty = model_type(model);
    let handle = ident(model);
    let decl_generics = &model.generics;
    let decl_where = &model.generics.where_clause;
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let primary = match model.keys {
        TableKeys::Entity => super::entity::handle_methods(model),
        TableKeys::Hash { .. } => quote! {
            /// The primary key (partition key only): `get`, `batch_get`, `query`, `scan`, ...
            pub fn primary_key(&self) -> #p::HashPrimaryKey<#model_ty> {
                #p::HashPrimaryKey::new(::core::clone::Clone::clone(&self.table))
            }
        },
        TableKeys::Full { .. } => quote! {
            /// The primary key (partition and sort key): `get`, `batch_get`, `query`, `scan`, ...
            pub fn primary_key(&self) -> #p::FullPrimaryKey<#model_ty> {
                #p::FullPrimaryKey::new(::core::clone::Clone::clone(&self.table))
            }
        },
    };
    let lsis = model.keys.lsis().iter().map(|lsi| {
        let method = &lsi.names.method;
        let marker = &lsi.names.marker;
        let doc = format!("The local secondary index `{}`.", lsi.names.name);
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #p::LocalSecondaryIndex<#marker #ty_generics> {
                #p::LocalSecondaryIndex::new(::core::clone::Clone::clone(&self.table))
            }
        }
    });
    let gsis = model.gsis.iter().map(|gsi| {
        let method = &gsi.names.method;
        let marker = &gsi.names.marker;
        let doc = format!("The global secondary index `{}`.", gsi.names.name);
        let entity = if !gsi.range.is_empty() {
            quote!(FullGlobalSecondaryIndex)
        } else {
            quote!(HashGlobalSecondaryIndex)
        };
        quote! {
            #[doc = #doc]
            pub fn #method(&self) -> #p::#entity<#marker #ty_generics> {
                #p::#entity::new(::core::clone::Clone::clone(&self.table))
            }
        }
    });
    let doc = format!(
        "The table of [`{model_ident}`] on one client, from `{model_ident}::table(&client)`. Cheap to clone; dereferences to [`TableRef`]({}::TableRef) for `create_table`, `delete_table`, `describe` and `writer`.",
        quote!(#krate).to_string().replace(' ', "")
    );
    let table_doc =
        "The handle of this model's table on `client` (the client's table prefix applies).";

    let public = quote! {
        #[doc = #doc]
        #[allow(dead_code)] // generated whether or not the user names it
        #vis struct #handle #decl_generics #decl_where {
            table: #p::TableRef<#model_ty>,
        }
    };
    let private = quote! {
        impl #impl_generics #model_ty #where_clause {
            #[doc = #table_doc]
            pub fn table(client: &#p::Client) -> #handle #ty_generics {
                #handle { table: #p::TableRef::new(client) }
            }
        }

        impl #impl_generics #handle #ty_generics #where_clause {
            #primary
            #(#lsis)*
            #(#gsis)*
        }

        #[automatically_derived]
        impl #impl_generics ::core::clone::Clone for #handle #ty_generics #where_clause {
            fn clone(&self) -> Self {
                #handle { table: ::core::clone::Clone::clone(&self.table) }
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #handle #ty_generics #where_clause {
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.table, __f)
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::ops::Deref for #handle #ty_generics #where_clause {
            type Target = #p::TableRef<#model_ty>;
            fn deref(&self) -> &Self::Target {
                &self.table
            }
        }
    };
    Piece { public, private }
}
